"""`psp sandbox`: serve both sandboxes until Ctrl-C and print how to connect to them."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from psp_dashboard.sandbox.config import (
    Credentials,
    DiscrepancyRates,
    LivingSettings,
    PayShackSettings,
    SandboxConfig,
    WorldConfig,
)
from psp_dashboard.sandbox.dashboard_variants import NAMED_VARIANTS
from psp_dashboard.sandbox.faults import FaultConfig
from psp_dashboard.sandbox.server import RunningSandboxes, serve_sandboxes
from psp_dashboard.sandbox.state import Sandbox


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="psp sandbox", description="Serve the Vima and PayShack sandboxes (Ctrl-C stops)."
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--vima-port", type=int, default=8701, help="0 = any free port")
    p.add_argument("--payshack-port", type=int, default=8702, help="0 = any free port")
    w = p.add_argument_group("world")
    w.add_argument("--seed", type=int, default=1)
    w.add_argument("--days", type=int, default=7)
    w.add_argument("--per-day", type=int, default=2000, help="payments per full day")
    w.add_argument("--start", type=date.fromisoformat, help="first UTC day (YYYY-MM-DD)")
    w.add_argument(
        "--full-days",
        action="store_true",
        help="do not cut the last day at the current time (the default when --start is set)",
    )
    w.add_argument("--discrepancy-scale", type=float, default=1.0, help="multiply all rates")
    w.add_argument("--bad-rate", type=float, default=0.001, help="bad records per side")
    w.add_argument("--recon-timezone", default="UTC", help="aim of cross-midnight cases")
    live = p.add_argument_group("living mode")
    live.add_argument("--living", action="store_true", help="new payments keep arriving")
    live.add_argument("--rate", type=float, default=1.0, help="new payments per second")
    live.add_argument("--settle-rate", type=float, default=0.2, help="settlements per second")
    p.add_argument(
        "--vima-auth",
        choices=("both", "api_key", "basic"),
        default="both",
        help="which Vima authentication the sandbox accepts",
    )
    ps = p.add_argument_group("payshack")
    ps.add_argument("--encrypted", action="store_true", help="AES-GCM payloads (browser only)")
    ps.add_argument("--payin-path", default="/payin")
    ps.add_argument("--token-ttl", type=int, default=1800, help="access token seconds")
    ps.add_argument(
        "--dashboard-variant",
        default="classic",
        choices=[*NAMED_VARIANTS, "random"],
        help="layout of the dashboard's Pay-In page (random: drawn from --dashboard-seed)",
    )
    ps.add_argument("--dashboard-seed", type=int, default=0, help="seed of a random layout")
    f = p.add_argument_group("faults (both sandboxes)")
    f.add_argument("--fault-429", type=float, default=0.0, help="share of 429 answers")
    f.add_argument("--fault-5xx", type=float, default=0.0, help="share of 500/502 answers")
    f.add_argument("--every-nth-429", type=int, default=0)
    f.add_argument("--every-nth-5xx", type=int, default=0)
    f.add_argument("--retry-after", type=int, default=1, help="Retry-After seconds on 429")
    f.add_argument("--delay-ms", type=int, default=0, help="added latency per request")
    f.add_argument("--truncate-next", type=int, default=0, help="cut the next N bodies")
    f.add_argument("--expire-after", type=int, default=0, help="token/session dies after K")
    f.add_argument("--fault-seed", type=int, default=0)
    p.add_argument("--log-level", default="warning")
    return p


def config_from_args(args: argparse.Namespace, now: datetime | None = None) -> SandboxConfig:
    now = now or datetime.now(UTC)
    start = args.start or (now.date() - timedelta(days=args.days - 1))
    cut_now = args.start is None and not args.full_days
    world = WorldConfig(
        seed=args.seed,
        start=start,
        days=args.days,
        per_day=args.per_day,
        end_at=now if cut_now else None,
        discrepancies=DiscrepancyRates().scaled(args.discrepancy_scale),
        bad_record_rate=args.bad_rate,
    )
    world = replace(world, recon=replace(world.recon, timezone=args.recon_timezone))
    faults = FaultConfig(
        share_429=args.fault_429,
        every_nth_429=args.every_nth_429,
        retry_after_seconds=args.retry_after,
        share_5xx=args.fault_5xx,
        every_nth_5xx=args.every_nth_5xx,
        delay_ms=args.delay_ms,
        truncate_next=args.truncate_next,
        expire_after_requests=args.expire_after,
        seed=args.fault_seed,
    )
    return SandboxConfig(
        world=world,
        credentials=Credentials(
            vima_auth_methods=("api_key", "basic")
            if args.vima_auth == "both"
            else (args.vima_auth,)
        ),
        payshack=PayShackSettings(
            payin_path=args.payin_path,
            encrypted=args.encrypted,
            token_ttl_seconds=args.token_ttl,
            variant=args.dashboard_variant,
            variant_seed=args.dashboard_seed,
        ),
        living=LivingSettings(
            enabled=args.living, rate_per_second=args.rate, settle_per_second=args.settle_rate
        ),
        vima_faults=faults,
        payshack_faults=faults,
    )


def banner(running: RunningSandboxes) -> str:
    sb, c = running.sandbox, running.credentials
    wc = sb.world.config
    mode = "living" if sb.living.settings.enabled else "fixed"
    return "\n".join(
        [
            f"PSP sandboxes up: seed {wc.seed}, {wc.days} day(s) from {wc.start}, "
            f"{wc.per_day:,} payments/day, {len(sb.world):,} payments, {mode} mode.",
            "  Vima",
            f"    VIMA_BASE_URL={running.vima_base_url}",
            f"    VIMA_API_KEY={c.vima_apikey}   (or Basic auth {c.vima_basic_user}:"
            f"{c.vima_basic_pass})",
            "  PayShack" + ("  [encrypted payloads]" if sb.encrypted else ""),
            f"    PAYSHACK_BASE_URL={running.payshack_base_url}",
            f"    PAYSHACK_API_URL={running.payshack_base_url}",
            f"    PAYSHACK_PAYIN_PATH={sb.payin_path}",
            f"    PAYSHACK_EMAIL={c.payshack_email}",
            f"    PAYSHACK_PASSWORD={c.payshack_pass}",
            f"    (Pay-In page layout: {sb.variant.describe()})",
            f"  Admin: {running.vima_origin}/_sandbox/info (same endpoints on both ports)",
            "Ctrl-C stops.",
        ]
    )


async def _serve(config: SandboxConfig, args: argparse.Namespace) -> None:
    sandbox = await asyncio.to_thread(Sandbox, config)
    async with serve_sandboxes(
        sandbox,
        host=args.host,
        vima_port=args.vima_port,
        payshack_port=args.payshack_port,
        log_level=args.log_level,
    ) as running:
        print(banner(running), flush=True)
        await asyncio.Event().wait()  # until Ctrl-C cancels the main task


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.days < 1 or args.per_day < 0:
        print("--days must be >= 1 and --per-day >= 0", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(config_from_args(args), args))
    except KeyboardInterrupt:
        print("sandboxes stopped", file=sys.stderr)
    except OSError as exc:  # e.g. the port is taken
        print(f"cannot start the sandboxes: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
