from django.db import migrations

from core.search import fold_function_sql


class Migration(migrations.Migration):
    """sf_fold(text), the accent folding of core.search.fold in SQL, for search vectors.
    Vectors stored before it fold nothing until `manage.py update_search_vectors`; a query
    typed with its accents still finds them."""

    dependencies = [("core", "0004_content_scopes")]

    operations = [
        migrations.RunSQL(fold_function_sql(), reverse_sql="DROP FUNCTION sf_fold(text)"),
    ]
