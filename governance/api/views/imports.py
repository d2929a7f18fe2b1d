"""Spreadsheet imports: upload a file (a dry run by default), read its preview, confirm it."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from governance.domain import access
from governance.models import ImportJob
from governance.services import imports

from .base import GovernanceAPIMixin


class MayImport(BasePermission):
    """Administrators and managers import; nobody else (representatives use the portal)."""

    message = "Only administrators and managers may import spreadsheets."

    def has_permission(self, request, view):
        return access.can_write(request.user)


class ImportSummarySerializer(serializers.Serializer):
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = serializers.IntegerField()


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number in the spreadsheet (header: 1).")
    action = serializers.ChoiceField(choices=["new", "changed", "unchanged", "error"])
    key = serializers.CharField(help_text="What the row is matched by.")
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Changed columns: [old, new].",
    )
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Column (or `row`) -> messages.",
    )


class ImportJobSerializer(serializers.ModelSerializer):
    summary = serializers.SerializerMethodField(
        help_text="Counts of the rows by action; null until the file is checked."
    )
    rows = ImportRowSerializer(many=True, read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "status",
            "file_name",
            "total_rows",
            "done_rows",
            "summary",
            "rows",
            "error",
            "created_at",
            "applied_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportSummarySerializer(allow_null=True))
    def get_summary(self, job):
        return job.summary or None


class ImportUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    file = serializers.FileField(
        help_text="A .csv (UTF-8) or .xlsx file whose first row names the columns."
    )
    dry_run = serializers.BooleanField(
        default=True,
        help_text="true (default): check and preview only; false: apply at once when the "
        "file has no errors.",
    )

    def validate_file(self, upload):
        if upload.size > imports.IMPORT_MAX_BYTES:
            raise ValidationError(
                f"The file is larger than {imports.IMPORT_MAX_BYTES // (1024 * 1024)} MB."
            )
        return upload


def _as_api_error(error):
    if hasattr(error, "error_dict"):
        return ValidationError(
            {name: [str(m) for m in messages] for name, messages in error.message_dict.items()}
        )
    return ValidationError({"detail": error.messages})


@extend_schema_view(
    list=extend_schema(summary="List your imports", description="Newest first."),
    retrieve=extend_schema(
        summary="An import",
        description="Its status, progress (`done_rows` of `total_rows`), summary and rows: "
        "each with its action and, for a changed row, the changed columns (old, new), for a "
        "refused one the messages by column.",
    ),
)
class ImportJobViewSet(
    GovernanceAPIMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Spreadsheet imports of vendors (with contacts), SLA targets, clauses and goals."""

    permission_classes = [MayImport]
    # An upload is multipart; confirming takes no body.
    parser_classes = [MultiPartParser]
    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.defer("content")
    filter_backends = []
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return super().get_queryset().filter(created_by=self.request.user)

    @extend_schema(
        summary="Upload a spreadsheet",
        description="Multipart: `file` (.csv in UTF-8 or .xlsx, at most 20 MB and 50,000 "
        "rows), `kind` and `dry_run` (default true). The first row names the columns, by "
        "their API field names (`name`, `services`, `tier`, ...; vendors also take "
        "`contact_name`, `contact_email`, `contact_role`, `contact_phone` for their primary "
        "contact; the other kinds name the vendor in `vendor`). Choices take their value or "
        "label; lists are separated by `;`; a blank cell leaves a field as it is; formulas "
        "are refused. Rows match existing records (vendor by name; SLA target by vendor and "
        "priority; clause by vendor and type; goal by vendor and title). A file of up to 500 "
        "rows is checked at once (201 with its preview); a larger one is checked by a worker "
        "(202: poll the import). A file that cannot be read is a 400 on `file`.",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportJobSerializer, 202: ImportJobSerializer},
    )
    def create(self, request):
        upload = ImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        data = upload.validated_data
        try:
            job = imports.import_create(
                user=request.user,
                kind=data["kind"],
                file_name=data["file"].name,
                content=data["file"].read(),
                dry_run=data["dry_run"],
            )
        except DjangoValidationError as error:
            raise _as_api_error(error) from None
        running = job.status in (ImportJob.Status.PENDING, ImportJob.Status.CHECKING)
        return Response(
            ImportJobSerializer(job).data,
            status=status.HTTP_202_ACCEPTED if running else status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Confirm (apply) an import",
        description="Applies a checked import (`status` previewed): every row is validated "
        "again and saved in one transaction, or none is. Small imports answer applied (or "
        "invalid, with the rows' errors); large ones are applied by a worker (`applying`). "
        "400 when the import is not waiting for confirmation.",
        request=None,
        responses=ImportJobSerializer,
    )
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        job = self.get_object()
        try:
            job = imports.import_confirm(job, user=request.user)
        except DjangoValidationError as error:
            raise _as_api_error(error) from None
        return Response(ImportJobSerializer(job).data)
