#!/bin/sh
# A CI step: follow the migration Job to its end and fail the step when it fails. One command replaces
# `kubectl wait` + `kubectl logs` + `kubectl logs -p` + a check for empty output.
kstern job/migrate --until done --until-timeout 10m --wait 2m --timestamps=short --timezone UTC
status=$?
case $status in
  0) echo "migration done" ;;
  3) echo "no pod of job/migrate appeared within 2m" >&2 ;;
  5) echo "migration failed (exit codes above)" >&2 ;;
  6) echo "migration still running after 10m" >&2 ;;
  *) echo "kstern could not follow the job (exit $status)" >&2 ;;
esac
exit $status
