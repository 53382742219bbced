from ideadb.cli import main

main()
