/**
 * "Previous" for keyset paging. The API has no prev_cursor (docs/api.md): the table keeps
 * where it has been — one step per "Next", each saying how to ask for that page again
 * (its cursor, or none for a page asked by number) — and pops a step on "Previous".
 */
export interface Step {
  page: number;
  cursor?: string;
}

export interface Trail {
  /** The filters and sort the steps belong to (txWalkKey); other filters, other walk. */
  walk: string;
  steps: Step[];
}

/** The trail for the page on screen: reset when the walk changed, cut to the pages before it
 * (the browser's back button moves the URL without telling us). */
export function trailFor(trail: Trail, walk: string, page: number): Trail {
  if (trail.walk !== walk) return { walk, steps: [] };
  const steps = trail.steps.filter((s) => s.page < page);
  return steps.length === trail.steps.length ? trail : { walk, steps };
}

/** Where "Previous" goes from `here`: the last step, else the page before by number (or page 1
 * when that would be past the API's OFFSET depth cap, e.g. after a reload deep in a walk). */
export function previous(trail: Trail, here: Step, limit: number, maxOffset = 100_000): { to: Step; trail: Trail } | null {
  const last = trail.steps[trail.steps.length - 1];
  if (last) return { to: last, trail: { ...trail, steps: trail.steps.slice(0, -1) } };
  if (here.page <= 1) return null;
  const page = (here.page - 2) * limit <= maxOffset ? here.page - 1 : 1;
  return { to: { page }, trail };
}

/** "Next": remember here, go to the next cursor. */
export function next(trail: Trail, here: Step, nextCursor: string): { to: Step; trail: Trail } {
  return { to: { page: here.page + 1, cursor: nextCursor }, trail: { ...trail, steps: [...trail.steps, here] } };
}
