"""Create the PostgreSQL database of a DATABASE_URL when it does not exist (make test-postgres).

Connects to the server's ``postgres`` maintenance database with the URL's credentials; a URL of
another engine is left alone, so the target may be given any DATABASE_URL.
"""
import sys

import dj_database_url
import psycopg2
from psycopg2 import sql


def ensure(url: str) -> None:
    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        return
    name = config["NAME"]
    connection = psycopg2.connect(dbname="postgres", user=config["USER"] or None,
                                  password=config["PASSWORD"] or None, host=config["HOST"] or None,
                                  port=config["PORT"] or None)
    connection.autocommit = True  # CREATE DATABASE cannot run inside a transaction
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}")
    connection.close()


if __name__ == "__main__":
    ensure(sys.argv[1])
