"""`hulpwijzer`: one command line for the administration of every part.

hulpwijzer directory import|export|verify|create-admin|import-geonames ...
hulpwijzer staff create|deactivate ...
"""

import typer

from gateway.handoff.cli import app as staff_app
from services_directory.cli import app as directory_app

app = typer.Typer(help="Hulpwijzer administration", no_args_is_help=True)
app.add_typer(directory_app, name="directory")
app.add_typer(staff_app, name="staff")

if __name__ == "__main__":
    app()
