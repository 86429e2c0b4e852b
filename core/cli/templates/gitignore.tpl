node_modules/
# The workbench's embedded database (athanor dev): your instances, runs, logs and results.
.athanor/
