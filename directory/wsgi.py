import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
application = get_wsgi_application()

# What is loaded now (Django, the app, the tz data) lives as long as the worker. Frozen, the
# garbage collector stops walking it again on every collection a page sets off: about a tenth of
# a search's CPU (bench.search does the same, to measure what a worker does).
gc.freeze()
