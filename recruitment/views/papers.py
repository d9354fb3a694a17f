"""Papers for the board's file (recruitment.papers) as pages to print and as PDF (``?format=pdf``):
the staff's room list and results list here, the candidate's receipt and summons in portal.py."""
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from recruitment import papers, selectors
from recruitment.rules import ROUND2_FORMS
from recruitment.views.rounds import COMPONENT_LABELS, RESULT_LABELS, RoundMixin


class PaperMixin:
    """The printable page of ``context["paper"]``, or its PDF with ``?format=pdf``."""

    template_name = "recruitment/paper.html"

    def render_to_response(self, context, **kwargs):
        if self.request.GET.get("format") == "pdf":
            return papers.pdf_response(context["paper"])
        return super().render_to_response(context, **kwargs)


class RoomListView(RoundMixin, PaperMixin, TemplateView):
    """Danh sách thí sinh dự thi theo phòng, with a column for each candidate's signature."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            paper=papers.room_list_paper(self.round),
            back_url=reverse("recruitment:admission_list", args=[self.round.pk]),
            back_label=_("Back to the admission list"),
            **kwargs,
        )


class AdmissionPaperView(RoundMixin, PaperMixin, TemplateView):
    """The list of candidates admitted to the exams, as a signed paper."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            paper=papers.admission_paper(self.round),
            back_url=reverse("recruitment:admission_list", args=[self.round.pk]),
            back_label=_("Back to the admission list"),
            **kwargs,
        )


class ResultsPaperView(RoundMixin, PaperMixin, TemplateView):
    """The results list (or the provisional ranking) with the national header and signature."""

    def get_context_data(self, **kwargs):
        results = selectors.round_results(
            self.round, on=self.round.results_published_on or timezone.localdate()
        )
        components = [(c, COMPONENT_LABELS[c]) for c in ROUND2_FORMS[self.round.round2_form]]
        return super().get_context_data(
            paper=papers.results_paper(self.round, results, components, RESULT_LABELS),
            back_url=reverse("recruitment:results", args=[self.round.pk]),
            back_label=_("Back to the results"),
            **kwargs,
        )
