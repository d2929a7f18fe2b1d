"""The upload form of a spreadsheet import."""

from django import forms

from governance.models import ImportJob
from governance.services import imports
from governance.web.forms.base import UIForm


class ImportUploadForm(UIForm):
    """What the file holds and the file; reading and checking it is the service's
    (``services.import_create``), whose refusals come back as errors on ``file``."""

    kind = forms.ChoiceField(choices=ImportJob.Kind.choices, label="What the file holds")
    file = forms.FileField(
        label="Spreadsheet",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > imports.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {imports.IMPORT_MAX_BYTES // (1024 * 1024)} MB."
            )
        return upload
