import sys

from isingml.cli import main

sys.exit(main())
