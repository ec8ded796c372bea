/**
 * Types of the API's operations, read off the generated `paths` (schema.d.ts, from
 * openapi.json): what a path takes (query, path parameters, body) and what its success
 * response's `data` and `meta` are. The client (client.ts) is typed with these, so a call
 * names a path of the OpenAPI document and gets that operation's types: a path, parameter
 * or field the backend does not have is a compile error.
 */
import type { Lossless } from './json';
import type { paths } from './schema';

export const API_BASE = '/api/v1';
type Base = typeof API_BASE;

/** A path below API_BASE as the document spells it: '/metrics/overview', '/transactions/{transaction_id}'. */
export type ApiPath = keyof paths extends infer K ? (K extends `${Base}${infer P}` ? P : never) : never;
export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type SendMethod = Exclude<Method, 'get'>;

type PathItem<P extends ApiPath> = paths[`${Base}${P}` & keyof paths];
/** The operation behind `method path` (never when the path has no such method). */
export type Operation<P extends ApiPath, M extends Method> = NonNullable<PathItem<P>[M]>;
/** The paths that answer `method`. */
export type PathsWith<M extends Method> = {
  [P in ApiPath]: [Operation<P, M>] extends [never] ? never : P;
}[ApiPath];

type ParametersIn<O, Where extends 'query' | 'path'> = O extends { parameters: { [W in Where]?: infer X } }
  ? Exclude<X, undefined>
  : never;
type JsonBody<O> = O extends { requestBody?: infer R }
  ? [NonNullable<R>] extends [never]
    ? never
    : NonNullable<R> extends { content: { 'application/json': infer B } }
      ? B
      : never
  : never;
type SuccessStatus = 200 | 201 | 202 | 204;
type SuccessJson<O> = O extends { responses: infer R }
  ? {
      [S in keyof R]: S extends SuccessStatus
        ? R[S] extends { content: { 'application/json': infer J } }
          ? J
          : undefined
        : never;
    }[keyof R]
  : never;

/** Query parameters of `method path` (never: it takes none). */
export type Query<P extends ApiPath, M extends Method = 'get'> = ParametersIn<Operation<P, M>, 'query'>;
/** Path parameters of `method path`, e.g. `{ transaction_id: string }`. */
export type PathParams<P extends ApiPath, M extends Method = 'get'> = ParametersIn<Operation<P, M>, 'path'>;
/** The JSON body `method path` takes (never: none). */
export type Body<P extends ApiPath, M extends SendMethod> = JsonBody<Operation<P, M>>;
/** The success response's `data`, as the client's JSON parser hands it back (see `Lossless`). */
export type Data<P extends ApiPath, M extends Method = 'get'> = Lossless<
  SuccessJson<Operation<P, M>> extends { data: infer D } ? D : undefined
>;
/** The paths whose GET answers a page: a `data` array and the paging `meta`. */
export type PagedPath = {
  [P in PathsWith<'get'>]: SuccessJson<Operation<P, 'get'>> extends { data: unknown[]; meta: unknown } ? P : never;
}[PathsWith<'get'>];
export type Item<P extends PagedPath> = Data<P> extends (infer I)[] ? I : never;
export type Meta<P extends PagedPath> = SuccessJson<Operation<P, 'get'>> extends { meta: infer X } ? X : never;

/** `query` and `path` of a call: each required when the operation requires it, absent when it has none. */
type Field<K extends string, T> = [T] extends [never]
  ? { [_ in K]?: undefined }
  : Partial<T> extends T
    ? { [_ in K]?: T }
    : { [_ in K]: T };
export type Params<P extends ApiPath, M extends Method> = Field<'query', Query<P, M>> & Field<'path', PathParams<P, M>>;
export type SendOptions<P extends ApiPath, M extends SendMethod> = Params<P, M> &
  Field<'body', Body<P, M>> & {
    /** Don't fire the global 401 redirect (the login form and the sign-out call). */
    skipAuthRedirect?: boolean;
  };
export type GetOptions<P extends ApiPath> = Params<P, 'get'> & { signal?: AbortSignal };
/** The options argument: optional when nothing in it is required. */
export type OptionsArg<T> = [RequiredKeys<T>] extends [never] ? [options?: T] : [options: T];
type RequiredKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? never : K }[keyof T];
