import gc

from triage import create_app

app = create_app()
# The modules, the app and its extensions live as long as the process: frozen, the cyclic collector stops
# re-walking them in every full collection (on the webhook path it was ~2% of a worker's CPU,
# docs/PERFORMANCE.md, "Ingest").
gc.freeze()
