"""The SQL of the engine (engine.py tells the flow and why it has this shape).

Parameters: :ds/:de day D = [ds, de); :wlo/:whi the window W = [ds - G, de + G];
:plo/:phi the local days whose own windows can hold an instant of D; :tz, :grace,
:projects, :amount_tol, :time_tol; :run_id, :prev_run_id, :day, :started_at, :partial;
:shards/:shard this statement's share of the keys (SHARD_SQL).
"""

from __future__ import annotations

from sqlalchemy import text

# Identity of a result row across runs: its key, or the transaction of a key-less row.
IDENTITY_SQL = (
    "coalesce({t}client_operation_id, '#vima:' || {t}vima_txn_id::text, "
    "'#payshack:' || {t}payshack_txn_id::text)"
)
# The API's type of a result row: missing rows are told apart by side.
API_TYPE_SQL = (
    "CASE WHEN {t}match_status = 'discrepancy' THEN {t}discrepancy_type ELSE {t}match_status END"
)
# The shard of a key: every row of a key (and a previous run's row of that key) lands in
# the same shard, so shards classify independently. Key-less rows all go to the shard of
# ''. Non-negative before the modulo: hashtext is a signed 32-bit hash.
SHARD_SQL = "(hashtext(coalesce({k}, '')) & 2147483647) % :shards = :shard"
# Timestamps inside `details`, as the API writes them (UTC, `Z`).
ISO_SQL = """to_char({x} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""

BOUNDS = text(
    """
    WITH b AS (
        SELECT (CAST(:day AS date)::timestamp AT TIME ZONE :tz) AS ds,
               ((CAST(:day AS date) + 1)::timestamp AT TIME ZONE :tz) AS de,
               CAST(:grace AS interval) AS g
    )
    -- plo: the windows are closed, so the day before ds - g still holds ds - g when that
    -- instant is a midnight (its window ends there): start a microsecond earlier.
    SELECT ds, de, ds - g AS wlo, de + g AS whi,
           date_trunc('day', (ds - g - interval '1 microsecond') AT TIME ZONE :tz)
               AT TIME ZONE :tz AS plo,
           (date_trunc('day', (de + g) AT TIME ZONE :tz) + interval '1 day')
               AT TIME ZONE :tz AS phi
    FROM b
    """
)

# The shard's working tables. The stream packs its rows into arrays (its single consumer,
# see STREAM) and unpacks them here; every later statement joins these tables, analyzed
# first, so the planner plans with true row counts. Joined inside one statement, an
# unnested array is estimated at 10 rows and a just-written run's results at a few
# dozen: at 100k–400k rows a day that picked a nested loop over thousands × thousands
# of rows (issue #21: 41.9 s at 400k rows against 0.83 s for the bare join).
CREATE_OTHER = text(
    """
    CREATE TEMP TABLE recon_other (
        k text, vid uuid, pid uuid, ms text, dtype text, va numeric, pa numeric,
        vs text, ps text, details jsonb
    ) ON COMMIT DROP
    """
)
CREATE_MEMBERS = text(
    """
    CREATE TEMP TABLE recon_members (
        k text COLLATE "C", vid uuid, vt timestamptz, va numeric, vs text, vo text,
        vsid text, v_in boolean, pid uuid, pt timestamptz, pa numeric, ps text, po text,
        psid text, p_in boolean
    ) ON COMMIT DROP
    """
)
ANALYZE_MEMBERS = text("ANALYZE recon_members")
ANALYZE_OTHER = text("ANALYZE recon_other")

# "Is there a Vima row of key {k}, on any day, whose day window [start - G, end + G]
# holds instant {t}?" One index probe, on the key as stored (ingestion trims keys; the
# index serves only the column as stored).
_COVERED = """EXISTS (
    SELECT 1 FROM transactions x
    WHERE x.source = 'vima' AND x.project = ANY(:projects)
      AND x.client_operation_id = ({k} COLLATE "default")
      AND x.created_at >= :plo AND x.created_at < :phi
      AND {t} >= (date_trunc('day', x.created_at AT TIME ZONE :tz) AT TIME ZONE :tz)
                 - CAST(:grace AS interval)
      AND {t} <= ((date_trunc('day', x.created_at AT TIME ZONE :tz) + interval '1 day')
                 AT TIME ZONE :tz) + CAST(:grace AS interval))"""

# One side over the window W, sorted by key; `rep`: the key has another row on this side
# within W (rule 1; lag/lead over the sorted rows: far cheaper than a count per key
# partition); `in_day`: created inside D. Keys are trimmed text in the "C" collation:
# byte order, cheap to sort, the same on both sides.
_SIDE = """
    SELECT s.*, (k = lag(k) OVER w OR k = lead(k) OVER w) AS rep
    FROM (
        SELECT id, NULLIF(btrim({key}), '') COLLATE "C" AS k, created_at AS t, amount,
               status, original_status, source_id AS sid,
               created_at >= :ds AND created_at < :de AS in_day
        FROM transactions
        WHERE source = '{source}' AND project = ANY(:projects) AND direction = 'payin'
          AND created_at >= :wlo AND created_at <= :whi
    ) s
    WHERE {shard}
    WINDOW w AS (ORDER BY k)
"""
_V_SIDE = _SIDE.format(key="client_operation_id", source="vima", shard=SHARD_SQL.format(k="s.k"))
_P_SIDE = _SIDE.format(key="order_id", source="payshack", shard=SHARD_SQL.format(k="s.k"))

# The previous run's discrepant rows of the day, for what carries over: same identity
# and type keep the resolution; same identity keeps when it was first seen. Copied into
# the shard's own table and analyzed (see CREATE_OTHER for why).
CREATE_PREV = text(
    f"""
    CREATE TEMP TABLE recon_prev ON COMMIT DROP AS
    SELECT {IDENTITY_SQL.format(t="")} AS ident, {API_TYPE_SQL.format(t="")} AS api_type,
           resolution, resolved_by, resolved_at, note, first_seen_at
    FROM reconciliation_results
    WHERE recon_run_id = :prev_run_id AND {SHARD_SQL.format(k="client_operation_id")}
    """
)
ANALYZE_PREV = text("ANALYZE recon_prev")

# The shard's result rows (recon_other), with what carries over from the previous run.
STORE = text(
    """
    INSERT INTO reconciliation_results (
        id, recon_date, recon_run_id, run_started_at, vima_txn_id, payshack_txn_id,
        client_operation_id, match_status, discrepancy_type, vima_amount, payshack_amount,
        amount_diff, vima_status, payshack_status, details, resolution, resolved_by,
        resolved_at, note, provisional, first_seen_at, change
    )
    SELECT (CAST(:id_prefix AS text) || lpad(to_hex(
                row_number() OVER (ORDER BY d.ms, d.dtype, d.k COLLATE "C")), 8, '0'))::uuid,
           :day, :run_id, :started_at, d.vid, d.pid, d.k, d.ms, d.dtype, d.va, d.pa,
           CASE WHEN d.ms = 'discrepancy' AND d.dtype = 'amount' THEN d.va - d.pa END,
           d.vs, d.ps, d.details,
           CASE WHEN x.same THEN prev.resolution ELSE 'open' END,
           CASE WHEN x.same THEN prev.resolved_by END,
           CASE WHEN x.same THEN prev.resolved_at END,
           CASE WHEN x.same THEN prev.note END,
           :partial AND d.ms IN ('missing_vima', 'missing_payshack'),
           coalesce(prev.first_seen_at, :started_at),
           CASE WHEN CAST(:prev_run_id AS uuid) IS NULL THEN NULL
                WHEN prev.ident IS NULL THEN 'new'
                WHEN x.same THEN 'unchanged'
                ELSE 'changed_type' END
    FROM recon_other d
    LEFT JOIN recon_prev prev
        ON prev.ident = coalesce(d.k, '#vima:' || d.vid::text, '#payshack:' || d.pid::text)
    CROSS JOIN LATERAL (
        SELECT prev.api_type IS NOT DISTINCT FROM
               (CASE WHEN d.ms = 'discrepancy' THEN d.dtype ELSE d.ms END) AS same
    ) x
    -- Ids ascend in the order of the run's index entries: both indexes are appended
    -- to, never written at random places (ids: see engine.result_id_prefix).
    ORDER BY d.ms, d.dtype, d.k COLLATE "C"
    """
)

# The big statement: one pass over the day.
STREAM = text(
    f"""
WITH
v AS ({_V_SIDE}),
p AS ({_P_SIDE}),
-- Both sides come sorted by key: a merge join. The kind of each joined row:
-- member: a row of a key with more than one Vima row or PayShack row in W (rule 1,
--   whatever day its rows are on; DUPS decides whether D reports the key);
-- pair: a Vima row of D and the one PayShack row of its key in W;
-- missing_payshack: a Vima row of D alone (or without a key);
-- missing_vima: a PayShack row of D that no Vima row of its key, on any day, has in
--   its day window (one index probe; such rows are few).
j AS (
    SELECT *,
        CASE WHEN dup THEN 'member'
             WHEN v_in AND pid IS NOT NULL THEN 'pair'
             WHEN v_in THEN 'missing_payshack'
             WHEN NOT p_in THEN NULL
             WHEN k IS NULL THEN 'missing_vima'
             WHEN NOT {_COVERED.format(k="k", t="pt")} THEN 'missing_vima'
        END AS kind
    FROM (
        SELECT v.id AS vid, v.t AS vt, v.amount AS va, v.status AS vs,
               v.original_status AS vo, v.sid AS vsid, coalesce(v.in_day, false) AS v_in,
               p.id AS pid, p.t AS pt, p.amount AS pa, p.status AS ps,
               p.original_status AS po, p.sid AS psid, coalesce(p.in_day, false) AS p_in,
               coalesce(v.k, p.k) AS k,
               coalesce(v.rep, false) OR coalesce(p.rep, false) AS dup
        FROM v FULL JOIN p ON p.k = v.k
    ) j0
    WHERE v_in OR p_in OR dup
    -- Fences (here and in c): each expression computed once per row, not inlined
    -- into every later use of its column.
    OFFSET 0
),
c AS (
    SELECT *,
        CASE WHEN kind = 'member' THEN 2
             WHEN kind = 'pair' AND NOT (d_status OR d_amount OR d_time) THEN 0
             ELSE 1 END AS grp
    FROM (
        SELECT *,
            kind = 'pair' AND vs IS DISTINCT FROM ps AS d_status,
            kind = 'pair' AND abs(va - pa) > CAST(:amount_tol AS numeric) AS d_amount,
            kind = 'pair' AND (vt - pt > CAST(:time_tol AS interval)
                               OR pt - vt > CAST(:time_tol AS interval)) AS d_time
        FROM j WHERE kind IS NOT NULL
    ) c0
    OFFSET 0
),
-- The stream's single consumer (a second one would make PostgreSQL spool the whole
-- stream): one aggregate row with the matched pairs as arrays, the other rows (~10 %)
-- and the duplicates' rows as arrays of rows.
agg AS MATERIALIZED (
    SELECT
        array_agg(k) FILTER (WHERE grp = 0) AS m_k,
        array_agg(vid) FILTER (WHERE grp = 0) AS m_vid,
        array_agg(pid) FILTER (WHERE grp = 0) AS m_pid,
        -- A missing_vima row may have been joined to an operation of another day
        -- (inside W, outside D, whose own window does not hold the pay-in): not its.
        array_agg((
            k, CASE WHEN v_in THEN vid END, pid,
            CASE WHEN kind = 'pair' THEN 'discrepancy' ELSE kind END,
            CASE WHEN kind <> 'pair' THEN 'missing' WHEN d_status THEN 'status'
                 WHEN d_amount THEN 'amount' ELSE 'time' END,
            CASE WHEN v_in THEN va END, pa, CASE WHEN v_in THEN vs END, ps,
            jsonb_strip_nulls(jsonb_build_object(
                'differences', to_jsonb(CASE WHEN kind = 'pair' THEN array_remove(ARRAY[
                    CASE WHEN d_status THEN 'status' END,
                    CASE WHEN d_amount THEN 'amount' END,
                    CASE WHEN d_time THEN 'time' END], NULL) ELSE ARRAY[kind] END),
                'reason', CASE WHEN k IS NULL THEN 'no_key' END,
                'vima_original_status', CASE WHEN v_in THEN vo END,
                'payshack_original_status', po,
                'amount_diff', CASE WHEN kind = 'pair' THEN va - pa END,
                'time_diff_seconds',
                    CASE WHEN kind = 'pair' THEN extract(epoch FROM pt - vt) END))
        )::recon_other) FILTER (WHERE grp = 1) AS other,
        array_agg((k, vid, vt, va, vs, vo, vsid, v_in, pid, pt, pa, ps, po, psid, p_in)
                  ::recon_members) FILTER (WHERE grp = 2) AS members
    FROM c
),
ins_matches AS (
    INSERT INTO reconciliation_matches (
        recon_run_id, chunk, recon_date, keys, vima_txn_ids, payshack_txn_ids
    )
    SELECT :run_id, :shard, :day, m_k, m_vid, m_pid FROM agg WHERE m_k IS NOT NULL
    RETURNING cardinality(keys) AS n
),
ins_other AS (
    INSERT INTO recon_other SELECT u.* FROM agg, unnest(agg.other) u
    RETURNING 1
),
ins_members AS (
    INSERT INTO recon_members SELECT u.* FROM agg, unnest(agg.members) u
    RETURNING 1
)
SELECT (SELECT coalesce(sum(n), 0) FROM ins_matches)::bigint AS matched,
       (SELECT count(*) FROM ins_other) AS other,
       (SELECT count(*) FROM ins_members) AS members
"""
)

# Duplicate keys (rule 1: more than one row on either side within W; few), one result
# row per key that D reports: a key with a Vima row of D, or with a PayShack row of D
# that no Vima row's day window holds. The row lists every row of the key in W.
DUPS = text(
    f"""
WITH
mv AS (
    SELECT DISTINCT k, vid, vt, va, vs, vo, vsid, v_in FROM recon_members
    WHERE vid IS NOT NULL
),
mp AS (
    SELECT DISTINCT k, pid, pt, pa, ps, po, psid, p_in FROM recon_members
    WHERE pid IS NOT NULL
),
dk AS (
    SELECT k FROM mv WHERE v_in
    UNION
    SELECT k FROM mp WHERE p_in AND NOT {_COVERED.format(k="mp.k", t="mp.pt")}
),
-- Every row of each side in order (ties: by source id, as the providers number them);
-- the columns show the earliest. The rows come sorted from the subquery, which the
-- group aggregate keeps: an ORDER BY inside each aggregate would sort every group
-- apart (tens of thousands of tiny sorts).
dv AS (
    SELECT k, rows, ids, ids[1] AS vid, (rows -> 0 ->> 'amount')::numeric AS va,
           rows -> 0 ->> 'status' AS vs
    FROM (
        SELECT k, jsonb_agg(jsonb_build_object('id', vid, 'created_at',
            {ISO_SQL.format(x="vt")}, 'amount', va, 'status', vs, 'original_status', vo))
            AS rows, array_agg(vid) AS ids
        FROM (SELECT mv.* FROM mv JOIN dk USING (k) ORDER BY k, vt, vsid) x
        GROUP BY k
    ) a
),
dp AS (
    SELECT k, rows, ids, ids[1] AS pid, (rows -> 0 ->> 'amount')::numeric AS pa,
           rows -> 0 ->> 'status' AS ps
    FROM (
        SELECT k, jsonb_agg(jsonb_build_object('id', pid, 'created_at',
            {ISO_SQL.format(x="pt")}, 'amount', pa, 'status', ps, 'original_status', po))
            AS rows, array_agg(pid) AS ids
        FROM (SELECT mp.* FROM mp JOIN dk USING (k) ORDER BY k, pt, psid) y
        GROUP BY k
    ) a
)
INSERT INTO recon_other
SELECT dk.k, dv.vid, dp.pid, 'discrepancy', 'duplicate', dv.va, dp.pa, dv.vs, dp.ps,
    jsonb_build_object(
        'differences', to_jsonb(array_remove(ARRAY[
            'duplicate',
            CASE WHEN dp.k IS NULL THEN 'missing_payshack' END,
            CASE WHEN dv.k IS NULL THEN 'missing_vima' END], NULL)),
        'vima_ids', coalesce(to_jsonb(dv.ids), '[]'),
        'payshack_ids', coalesce(to_jsonb(dp.ids), '[]'),
        'vima_rows', coalesce(dv.rows, '[]'), 'payshack_rows', coalesce(dp.rows, '[]'))
FROM dk LEFT JOIN dv USING (k) LEFT JOIN dp USING (k)
"""
)

# What the run stored, by class, and how many discrepant rows the previous run had.
COUNTS = text(
    """
    SELECT match_status, discrepancy_type, change, count(*) AS count
    FROM reconciliation_results WHERE recon_run_id = :run_id
    GROUP BY match_status, discrepancy_type, change
    UNION ALL
    SELECT 'previous', NULL, NULL, count(*)
    FROM reconciliation_results WHERE recon_run_id = :prev_run_id
    """
)
