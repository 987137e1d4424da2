"""Database-level integrity, beneath the ORM: even raw SQL cannot change a vote, a result or an audit
entry, nor a proposal's text, kind, tool, options, window or rules once its voting has opened.

SQLite and PostgreSQL get triggers; other databases rely on the model and queryset guards and on
`manage.py verify_audit` (record fingerprints in the hash chain, signed checkpoints outside the DB).
Deletion is left to PROTECT foreign keys and to verify_audit (test databases are emptied by DELETE).
"""
from django.db import migrations

APPEND_ONLY = ("governance_vote", "governance_proposalresult", "core_auditentry", "governance_comment")
FROZEN = ("title", "text", "kind", "decision_tool", "options", "opens_at", "closes_at", "rules", "secret")


def _sqlite():
    statements = [
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END"
        for table in APPEND_ONLY
    ]
    changed = " OR ".join(f'NEW."{f}" IS NOT OLD."{f}"' for f in FROZEN)
    statements.append(
        "CREATE TRIGGER governance_proposal_frozen BEFORE UPDATE ON governance_proposal "
        "WHEN OLD.opens_at IS NOT NULL AND OLD.opens_at <= strftime('%Y-%m-%d %H:%M:%f', 'now') "
        f"AND ({changed}) BEGIN SELECT RAISE(ABORT, 'proposal is frozen once voting opens'); END"
    )
    return statements, [f"DROP TRIGGER IF EXISTS {t}_append_only" for t in APPEND_ONLY] + [
        "DROP TRIGGER IF EXISTS governance_proposal_frozen"]


def _postgresql():
    changed = " OR ".join(f'NEW."{f}" IS DISTINCT FROM OLD."{f}"' for f in FROZEN)
    statements = [
        "CREATE OR REPLACE FUNCTION coop_append_only() RETURNS trigger AS $$ BEGIN "
        "RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql",
        "CREATE OR REPLACE FUNCTION coop_proposal_frozen() RETURNS trigger AS $$ BEGIN "
        f"IF OLD.opens_at IS NOT NULL AND OLD.opens_at <= clock_timestamp() AND ({changed}) THEN "
        "RAISE EXCEPTION 'proposal is frozen once voting opens'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER governance_proposal_frozen BEFORE UPDATE ON governance_proposal "
        "FOR EACH ROW EXECUTE FUNCTION coop_proposal_frozen()",
    ]
    statements += [f"CREATE TRIGGER {t}_append_only BEFORE UPDATE ON {t} FOR EACH ROW EXECUTE FUNCTION coop_append_only()"
                   for t in APPEND_ONLY]
    drops = [f"DROP TRIGGER IF EXISTS {t}_append_only ON {t}" for t in APPEND_ONLY] + [
        "DROP TRIGGER IF EXISTS governance_proposal_frozen ON governance_proposal",
        "DROP FUNCTION IF EXISTS coop_append_only()", "DROP FUNCTION IF EXISTS coop_proposal_frozen()"]
    return statements, drops


VENDORS = {"sqlite": _sqlite, "postgresql": _postgresql}


def create(apps, schema_editor):
    make = VENDORS.get(schema_editor.connection.vendor)
    if make:
        for sql in make()[0]:
            schema_editor.execute(sql, params=None)  # no placeholders: % is literal SQL


def drop(apps, schema_editor):
    make = VENDORS.get(schema_editor.connection.vendor)
    if make:
        for sql in make()[1]:
            schema_editor.execute(sql, params=None)  # no placeholders: % is literal SQL


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_initial"), ("core", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
