from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from webhooks import actions, transport
from webhooks.models import Delivery, Endpoint, Event


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https",
                         help_text=_("Where events are POSTed as JSON (http or https)."))
    events = forms.MultipleChoiceField(label=_("Events"), choices=Event.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events", "active", "secret"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            transport.resolve(url)
        except transport.Refused as exc:
            raise forms.ValidationError(str(exc)) from exc
        except OSError:
            pass  # a name that does not resolve yet is the operator's business; deliveries say so
        return url


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    form = EndpointForm
    list_display = ["url", "description", "active", "created"]
    list_filter = ["active"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["id", "event", "endpoint", "status", "attempts", "response_status", "last_attempt"]
    list_filter = ["status", "event", "endpoint"]
    readonly_fields = ["endpoint", "event", "body", "status", "attempts", "created", "last_attempt",
                       "response_status", "response_body", "error"]
    actions = ["redeliver"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Deliver again"))
    def redeliver(self, request, queryset):
        n = 0
        for delivery in queryset:
            actions.do_redeliver(delivery)
            n += 1
        self.message_user(request, ngettext("%(n)d delivery queued again.", "%(n)d deliveries queued again.", n)
                          % {"n": n}, messages.SUCCESS)
