from qualify.cli.main import run

run()
