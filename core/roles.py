"""Who may edit what in the admin.

- Superusers: everything, including accounts, groups and the login lockouts.
- Editors (the group): every researcher's records and the shared ones, and the permission
  ``EDIT_ANY`` that lifts the per-object scoping below.
- Members (the group; joined by linking an account to a researcher in ``Researcher.user``):
  only what their researcher owns, by ``OWNER_PATHS``: their profile and its entries, the
  papers they are an author of, the talks they give, the projects they belong to and the
  grants they hold. They add papers, talks, projects, grants, name-only co-authors and the
  shared records (venues, organizations, events), but change none of the shared records,
  and only read their periods in the group.

Any other staff account without ``EDIT_ANY`` is scoped like a member. The groups' permissions
are defined here and set again on every ``migrate`` (``sync_roles``).
"""

from django.contrib.auth.management import create_permissions
from django.db.models import Q
from reversion.errors import RevertError

from core.models import Visibility

EDIT_ANY = "profiles.edit_any_researcher"
EDITORS = "Editors"
MEMBERS = "Members"

# Model label -> the lookup from a row to the account that owns it.
OWNER_PATHS = {
    "profiles.researcher": "user",
    "profiles.position": "researcher__user",
    "profiles.education": "researcher__user",
    "cv.researchinterest": "researcher__user",
    "cv.award": "researcher__user",
    "cv.service": "researcher__user",
    "profiles.teaching": "researcher__user",
    "profiles.profilesection": "researcher__user",
    "profiles.metricssnapshot": "researcher__user",
    "profiles.project": "memberships__researcher__user",
    "profiles.projectmember": "project__memberships__researcher__user",
    "profiles.membership": "researcher__user",
    "cv.grant": "investigator_links__researcher__user",
    "cv.grantinvestigator": "grant__investigator_links__researcher__user",
    "publications.publication": "authorships__researcher__user",
    "publications.authorship": "publication__authorships__researcher__user",
    "publications.citationcount": "publication__authorships__researcher__user",
    "events.talk": "speaker_links__researcher__user",
    "events.talkspeaker": "talk__speaker_links__researcher__user",
    "events.talkhost": "talk__speaker_links__researcher__user",
    "events.participation": "researcher__user",
    "inbox.candidate": "researcher__user",
}
# Shared records every member picks from: they may look and add, not change or delete.
SHARED = ("profiles.organization", "publications.venue", "events.event")

ALL_ACTIONS = ("view", "add", "change", "delete")
# Papers, talks, projects and grants are shared with co-authors, co-speakers and
# colleagues, so a member hides one rather than deleting it; an editor deletes. Deleting
# one's own researcher is an editor's decision too.
MEMBER_ACTIONS = {
    **dict.fromkeys(OWNER_PATHS, ALL_ACTIONS),
    "profiles.researcher": ("view", "add", "change"),
    "profiles.project": ("view", "add", "change"),
    "cv.grant": ("view", "add", "change"),
    # Who belongs to the group, and since when, is the group's record: a member reads it.
    "profiles.membership": ("view",),
    "publications.publication": ("view", "add", "change"),
    "events.talk": ("view", "add", "change"),
    **dict.fromkeys(SHARED, ("view", "add")),
    # Harvested works are decided (a change), never added or deleted by hand.
    "inbox.candidate": ("view", "change"),
}
EDITOR_ACTIONS = {
    **dict.fromkeys([*OWNER_PATHS, *SHARED], ALL_ACTIONS),
    "core.seedrecord": ("view",),
    # The group's one settings record (added once, never deleted) and its links.
    "profiles.sitesettings": ("view", "add", "change"),
    "profiles.sitelink": ALL_ACTIONS,
    "inbox.candidate": ("view", "change"),
}
# Fields of a researcher only an editor sets: who may log in as them, and their standing.
EDITOR_ONLY_RESEARCHER_FIELDS = ("user", "is_member", "role", "sort_order")


def is_scoped(user) -> bool:
    """True when the account sees only its own records."""
    return not user.has_perm(EDIT_ANY)


def label(model) -> str:
    return model._meta.label_lower


def owned(user, model):
    """The rows of ``model`` the account owns; none for a model nobody owns."""
    path = OWNER_PATHS.get(label(model))
    if path is None or not user.is_authenticated:
        return model._default_manager.none()
    return model._default_manager.filter(pk__in=model._default_manager.filter(**{path: user}))


def has_visibility(model) -> bool:
    return any(field.name == "visibility" for field in model._meta.get_fields())


def public_rows(model):
    """What anyone may see of ``model`` on the public site."""
    manager = model._default_manager
    return manager.public() if has_visibility(model) else manager.all()


def visible(user, model):
    """What a scoped account may list and open: its own rows, or public shared records."""
    if label(model) in OWNER_PATHS:
        return owned(user, model)
    return public_rows(model)


def choices(user, model):
    """What a scoped account may pick in a form: public rows and its own."""
    manager = model._default_manager
    if label(model) in OWNER_PATHS:
        mine = Q(pk__in=owned(user, model).values("pk"))
        return manager.filter(
            mine | Q(visibility=Visibility.PUBLIC) if has_visibility(model) else mine
        )
    return public_rows(model)


def may_restore(user, version) -> bool:
    """Whether reverting the row a stored version (django-reversion) describes is the
    account's to do: the row is its own now, or, once deleted, the parent it names is; and
    the parent named in the version is its own too, so a revert cannot move a row back
    under a colleague. The account a researcher row names is not compared: reverting keeps
    the current one (EDITOR_ONLY_RESEARCHER_FIELDS)."""
    model = version.content_type.model_class()
    path = OWNER_PATHS.get(label(model)) if model is not None else None
    if path is None:
        return False
    rows = model._default_manager.filter(pk=version.object_id)
    if rows.exists() and not owned(user, model).filter(pk=version.object_id).exists():
        return False
    name, _, rest = path.partition("__")
    field = model._meta.get_field(name)
    if not (field.many_to_one and rest):
        return rows.exists()
    try:
        parent_pk = version.field_dict.get(field.attname)
    except RevertError:  # stored before a change of schema that it no longer fits
        return False
    return field.related_model._default_manager.filter(pk=parent_pk, **{rest: user}).exists()


def owner_field(model) -> str | None:
    """The foreign key that makes a row someone's, when the model has one of its own."""
    path = OWNER_PATHS.get(label(model), "")
    name = path.split("__")[0]
    fields = {field.name: field for field in model._meta.concrete_fields}
    field = fields.get(name)
    return name if field is not None and field.many_to_one else None


def sync_roles(using="default", **kwargs):
    """Create the Editors and Members groups with exactly the permissions above."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    # post_migrate runs app by app; make sure every app's permissions exist first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    for name, actions in ((EDITORS, EDITOR_ACTIONS), (MEMBERS, MEMBER_ACTIONS)):
        wanted = Q()
        for model_label, model_actions in actions.items():
            app_label, model_name = model_label.split(".")
            wanted |= Q(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model_name}" for action in model_actions],
            )
        if name == EDITORS:
            app_label, codename = EDIT_ANY.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group, _ = Group.objects.using(using).get_or_create(name=name)
        group.permissions.set(Permission.objects.using(using).filter(wanted))


def link_account(researcher, previous_user_id=None):
    """Linking an account to a researcher makes it a member that can log in to the admin;
    unlinking takes the membership away again."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    if previous_user_id is not None and previous_user_id != researcher.user_id:
        previous = get_user_model().objects.filter(pk=previous_user_id).first()
        if previous is not None:
            previous.groups.remove(*Group.objects.filter(name=MEMBERS))
    if researcher.user_id is None:
        return
    user = researcher.user
    members, _ = Group.objects.get_or_create(name=MEMBERS)
    user.groups.add(members)
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
