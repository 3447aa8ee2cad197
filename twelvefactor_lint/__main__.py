from twelvefactor_lint.cli import main

main()
