"""Form widget markup written in Python where the template language is too slow for it: a
select's options. A prison's session form lists every trained Band 3 officer in post (250 at
the largest), and one template include an option cost more than the rest of the page."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()

OPTION_TEMPLATE = "django/forms/widgets/select_option.html"


def _attrs(attrs: dict) -> str:
    # as django/forms/widgets/attrs.html: False leaves the attribute out, True writes it bare
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


@register.filter
def select_options(optgroups) -> str:
    """A select widget's options and optgroups (its `widget.optgroups`), as Django's select and
    option templates write them; an option with a template of its own is rendered with it."""
    parts = []
    for group_name, options, _index in optgroups:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in options:
            if option["template_name"] == OPTION_TEMPLATE:
                markup = (
                    f'<option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"
                )
            else:
                markup = render_to_string(option["template_name"], {"widget": option})
            parts.append(f"\n  {markup}")
        if group_name:
            parts.append("\n  </optgroup>")
    return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
