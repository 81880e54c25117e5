"""The select's options are written in Python (omic_widgets.select_options) for speed: the
markup must stay what Django's own templates write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting

CHOICES = [
    ("", "Choose a key worker"),
    ("S1", "Smith, Anna"),
    ("S<2>", 'O\'Brien & "Sons" <b>'),
    ("Wings", [("A", "A wing"), ("B", "B wing")]),
    (3, "Three"),
]


@pytest.mark.parametrize("value", ["", "S1", "S<2>", "B", 3, None])
@pytest.mark.parametrize("widget", [forms.Select, forms.SelectMultiple, forms.NullBooleanSelect])
def test_our_select_writes_what_djangos_does(widget, value):
    attrs = {"class": "govuk-select", "id": "id_x", "disabled": False, "required": True}
    field = widget(attrs=attrs) if widget is forms.NullBooleanSelect else widget(attrs=attrs, choices=CHOICES)
    ours = field.render("x", value, renderer=TemplatesSetting())
    djangos = field.render("x", value, renderer=DjangoTemplates())
    assert ours == djangos
    assert "<option" in ours


def test_a_widget_with_its_own_option_template_keeps_it(settings):
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    field = Marked(choices=[("a", "A")])
    ours = field.render("x", "a", renderer=TemplatesSetting())
    assert ours == field.render("x", "a", renderer=DjangoTemplates())
    assert "<option" not in ours  # the other template was used, not the built-in option markup
