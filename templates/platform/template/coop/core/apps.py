from django.apps import AppConfig
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext_lazy as _


def _forget_groups(sender, instance, action, reverse, **kwargs):
    """user.groups.add/remove/clear/set: that user object forgets the group names it remembered."""
    if action.startswith("post_") and not reverse:
        from .roles import forget_group_names

        forget_group_names(instance)


class CoreConfig(AppConfig):
    name = "coop.core"
    label = "core"
    verbose_name = _("Co-op")

    def ready(self):
        from django.contrib.auth import get_user_model

        m2m_changed.connect(_forget_groups, sender=get_user_model().groups.through,
                            dispatch_uid="coop.core.forget_groups")
