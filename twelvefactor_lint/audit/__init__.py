"""The fleet audit: many repositories linted one by one, each as `12f-lint` lints it, into one
versioned `audit.json` and a dashboard.

`sources` turns the command line into repositories, `task` audits one of them (in a process of its
own), `execute` runs the tasks on a local process pool or a Dask cluster and spools the records,
`schema` builds and merges the document, `dashboard` renders it.
"""
