"""`python -m psp_dashboard …` is the `psp` command."""

from psp_dashboard.cli import main

raise SystemExit(main())
