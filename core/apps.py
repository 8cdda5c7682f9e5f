from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_save


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Site"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core.changes import content_saved, remember_state
        from core.i18n import remember_editor_language
        from core.roles import sync_roles
        from core.text import strip_bidi_controls_on_save

        pre_save.connect(remember_state, dispatch_uid="content_version_before_save")
        post_save.connect(content_saved, dispatch_uid="content_version_save")
        post_delete.connect(content_saved, dispatch_uid="content_version_delete")
        m2m_changed.connect(content_saved, dispatch_uid="content_version_m2m")
        pre_save.connect(strip_bidi_controls_on_save, dispatch_uid="strip_bidi_controls")
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="sync_roles")
        user_logged_in.connect(remember_editor_language, dispatch_uid="editor_language")
