from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site"

    def ready(self):
        from core.changes import content_saved
        from core.roles import sync_roles

        post_save.connect(content_saved, dispatch_uid="content_version_save")
        post_delete.connect(content_saved, dispatch_uid="content_version_delete")
        m2m_changed.connect(content_saved, dispatch_uid="content_version_m2m")
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="sync_roles")
