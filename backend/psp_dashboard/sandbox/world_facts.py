"""Facts of one entry, recomputed on demand from the world's compact state."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, cast
from zoneinfo import ZoneInfo

from psp_dashboard.sandbox.facts import (
    BadReason,
    KeyMode,
    PayInFacts,
    VimaFacts,
    amount_minor,
    to_minor,
)
from psp_dashboard.sandbox.kinds import (
    AMOUNT_KINDS,
    BAD_REASONS,
    HAS_PAYSHACK,
    HAS_VIMA,
    PAIR_CLIENT,
    PAIR_KINDS,
    Kind,
)
from psp_dashboard.sandbox.rng import hash64, unit
from psp_dashboard.sandbox.statuses import PAYSHACK_PAID, normalize_payshack, normalize_vima
from psp_dashboard.sandbox.timeline import ms_of

if TYPE_CHECKING:
    from psp_dashboard.sandbox.world import World

OTHER_CLIENTS = ("MNCL_M5_Pvt_Ltd", "Mn CL THREE_PVT_LTD")
_KEY_MODES: tuple[KeyMode, ...] = ("field", "c_id_only", "c_id_only_empty", "field")
_SALT_DELAY, _SALT_FAILCOMPLETE, _SALT_DELTA, _SALT_DISPLACE, _SALT_CLIENT = (
    0xDE1A, 0xFC01, 0xD17A, 0xD15B, 0xC11E,
)  # fmt: skip
_LOOKAHEAD = 256


def _delays(w: World, e: int) -> tuple[int, int]:
    """(ms from creation to completion, ms from completion to the last modification)."""
    h = hash64(w.seed, e, _SALT_DELAY)
    return 8_000 + h % 37_000, 200 + (h >> 20) % 3_000


def _bad(code: int) -> BadReason | None:
    return cast("BadReason | None", BAD_REASONS[code & 3])


def vima_facts(w: World, e: int) -> VimaFacts | None:
    k = w.kinds[e]
    if k == Kind.HANDMADE:
        return _handmade_vima(w, e)
    if not HAS_VIMA[k]:
        return None
    ref = e
    if k == Kind.DUP_VIMA:
        r = w.dup_ref(e)
        ref = e if r is None else r
    flags = w.flags[e]
    no_key = k == Kind.NO_KEY
    code = w.vstat[e]
    current, payment = w.statuses.vima[code]
    final = w.statuses.vima_is_final(code)
    created = w.entry_time_ms(e)
    settled = w.vima_settled.get(e)
    to_complete, to_modify = _delays(w, e)
    completed = None if not final else settled if settled is not None else created + to_complete
    if settled is not None:
        modified = settled
    else:
        modified = created + (to_complete + to_modify if final else to_modify)
    modified = max(modified, w.payshack_modified.get(e, modified))
    amount = amount_minor(w.seed, ref)
    complete = None
    if final and (
        normalize_vima(current, payment) == "success"
        or hash64(w.seed, e, _SALT_FAILCOMPLETE) % 10 < 7  # most failures carry it too
    ):
        complete = amount
    return VimaFacts(
        entry=e,
        person=ref,
        project=w.vima_project(e),
        key=None if no_key else w.ids.key(ref),
        key_mode="none" if no_key else _KEY_MODES[flags & 3],
        created_ms=created,
        modified_ms=modified,
        completed_ms=completed,
        amount_minor=amount,
        complete_minor=complete,
        current_status=current,
        payment_status=payment,
        create_slot=w.create_slot(e),
        update_slot=w.update_slot(e),
        bad=_bad(flags >> 2),
    )


def payin_facts(w: World, e: int) -> PayInFacts | None:
    k = w.kinds[e]
    if k == Kind.HANDMADE:
        return _handmade_payin(w, e)
    if not HAS_PAYSHACK[k]:
        return None
    ref, client = e, PAIR_CLIENT
    if k == Kind.PAYSHACK_OTHER:
        client = OTHER_CLIENTS[hash64(w.seed, e, _SALT_CLIENT) % len(OTHER_CLIENTS)]
        order_id = w.ids.order_id(e)
    else:
        if k == Kind.DUP_PAYSHACK:
            r = w.dup_ref(e)
            ref = e if r is None else r
        order_id = w.ids.key(ref)
    status = w.statuses.payshack[w.pstat[e]]
    created = w.ps_time_ms(e)
    settled = w.payshack_settled.get(e)
    final = normalize_payshack(status) != "pending"
    to_complete, to_modify = _delays(w, e)
    completed = None if not final else settled if settled is not None else created + to_complete
    if settled is not None:
        modified = settled
    else:
        modified = created + (to_complete + to_modify if final else to_modify)
    modified = max(modified, w.payshack_modified.get(e, modified))
    amount = amount_minor(w.seed, ref)
    paid = amount if status in PAYSHACK_PAID else None
    if k in AMOUNT_KINDS:
        delta = _amount_delta(w, e, k)
        if paid is not None:
            paid = max(100, paid + delta)
        else:
            amount = max(100, amount + delta)
    return PayInFacts(
        entry=e,
        person=ref,
        client=client,
        order_id=order_id,
        created_ms=created,
        modified_ms=modified,
        completed_ms=completed,
        amount_minor=amount,
        paid_minor=paid,
        status=status,
        bad=_bad(w.flags[e] >> 4),
    )


def _amount_delta(w: World, e: int, k: int) -> int:
    h = hash64(w.seed, e, _SALT_DELTA)
    sign = -1 if h & 1 else 1
    if k == Kind.PAIR_AMOUNT_SUBRUPEE:
        return sign * (1 + (h >> 1) % 99)  # 0.01 .. 0.99 rupee
    return sign * (1_000 + (h >> 1) % 499_001)  # ₹10 .. ₹5,000


def displaced_ps_time(w: World, e: int) -> int:
    """createdAt of a pay-in injected off its operation's time."""
    k, t, r = w.kinds[e], w.entry_time_ms(e), w.config.recon
    tol, grace = r.time_tolerance_minutes * 60_000, r.grace_minutes * 60_000
    h = hash64(w.seed, e, _SALT_DISPLACE)
    u = unit(h)
    if k == Kind.PAIR_SKEW:  # beyond the time tolerance, inside the grace window
        lo = tol + 60_000
        hi = max(lo, grace - 10 * 60_000)
        magnitude = lo + int(u * (hi - lo))
        return t - magnitude if h & 1 else t + magnitude
    tz = ZoneInfo(r.timezone)
    local = datetime.fromtimestamp(t / 1000, UTC).astimezone(tz)
    midnight = ms_of(datetime.combine(local.date() + timedelta(days=1), time(0), tz))
    if k == Kind.PAIR_CROSS_IN:  # just after midnight, still within the time tolerance
        room = max(0, min(5 * 60_000, t + tol - midnight - 10_000))
        return midnight + 10_000 + int(u * room)
    return midnight + grace + 60_000 + int(u * 59 * 60_000)  # PAIR_CROSS_OUT


def entries_with_order_id(w: World, order_id: str) -> list[int]:
    """Every entry whose pay-in carries this orderId."""
    found = [
        e
        for e, p in w.handmade.items()
        if p.payshack is not None and (p.payshack.order_id or p.key) == order_id
    ]
    j = w.ids.entry_of_key(order_id)
    if j is not None and j < len(w):
        k = w.kinds[j]
        if k in PAIR_KINDS or k == Kind.MISSING_VIMA:
            found.append(j)
        if k in PAIR_KINDS:  # generated duplicates copy the nearest earlier pair
            for e in range(j + 1, min(len(w), j + _LOOKAHEAD)):
                if w.kinds[e] in PAIR_KINDS:
                    break
                if w.kinds[e] == Kind.DUP_PAYSHACK:
                    found.append(e)
    j = w.ids.entry_of_order_id(order_id)
    if j is not None and j < len(w) and w.kinds[j] == Kind.PAYSHACK_OTHER:
        found.append(j)
    return found


def _handmade_vima(w: World, e: int) -> VimaFacts | None:
    payment = w.handmade[e]
    spec = payment.vima
    if spec is None:
        return None
    code = w.vstat[e]
    current, pay_status = w.statuses.vima[code]
    final = w.statuses.vima_is_final(code)
    created = ms_of(spec.created_at)
    settled = w.vima_settled.get(e)
    completed = None if not final else settled if settled is not None else created + 20_000
    modified = settled if settled is not None else (completed or created) + 1_000
    modified = max(modified, w.payshack_modified.get(e, modified))
    amount = to_minor(spec.amount)
    if spec.complete_amount == "auto":
        complete = amount if final else None
    else:
        complete = None if spec.complete_amount is None else to_minor(spec.complete_amount)
    return VimaFacts(
        entry=e,
        person=e,
        project=spec.project,
        key=payment.key,
        key_mode=spec.key_mode if payment.key is not None else "none",
        created_ms=created,
        modified_ms=modified,
        completed_ms=completed,
        amount_minor=amount,
        complete_minor=complete,
        current_status=current,
        payment_status=pay_status,
        create_slot=w.create_slot(e),
        update_slot=w.update_slot(e),
        bad=spec.bad,
    )


def _handmade_payin(w: World, e: int) -> PayInFacts | None:
    payment = w.handmade[e]
    spec = payment.payshack
    if spec is None:
        return None
    status = w.statuses.payshack[w.pstat[e]]
    final = normalize_payshack(status) != "pending"
    created = w.ps_time_ms(e)
    settled = w.payshack_settled.get(e)
    completed = None if not final else settled if settled is not None else created + 20_000
    modified = settled if settled is not None else (completed or created) + 1_000
    modified = max(modified, w.payshack_modified.get(e, modified))
    amount = to_minor(spec.amount)
    if spec.paid_amount == "auto":
        paid = amount if status in PAYSHACK_PAID else None
    else:
        paid = None if spec.paid_amount is None else to_minor(spec.paid_amount)
    return PayInFacts(
        entry=e,
        person=e,
        client=spec.client,
        order_id=spec.order_id or payment.key or "",
        created_ms=created,
        modified_ms=modified,
        completed_ms=completed,
        amount_minor=amount,
        paid_minor=paid,
        status=status,
        bad=spec.bad,
    )


def vima_entries_with_key(w: World, key: str) -> list[int]:
    """Every entry whose Vima operation carries this key (client_operation_id or c_id)."""
    found = [
        e
        for e, p in w.handmade.items()
        if p.vima is not None and p.key == key and p.vima.key_mode != "none"
    ]
    j = w.ids.entry_of_key(key)
    if j is not None and j < len(w):
        k = w.kinds[j]
        if HAS_VIMA[k] and k not in (Kind.DUP_VIMA, Kind.NO_KEY, Kind.HANDMADE):
            found.append(j)
        if k in PAIR_KINDS:
            for e in range(j + 1, min(len(w), j + _LOOKAHEAD)):
                if w.kinds[e] in PAIR_KINDS:
                    break
                if w.kinds[e] == Kind.DUP_VIMA:
                    found.append(e)
    return found
