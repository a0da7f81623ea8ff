from groups.models import Meeting


def site(request):
    # Checked on every page: while any invented meeting exists, nobody may take it for a real one.
    return {"sample_data": Meeting.objects.samples().exists()}
