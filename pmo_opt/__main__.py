from pmo_opt.cli import main

raise SystemExit(main())
