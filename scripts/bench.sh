#!/usr/bin/env bash
# The benchmarks, each against a hub of its own (Release build) on an in-memory Azurite.
#   scripts/bench.sh                     ingestion: a synthetic province's working day (~115,000 order lines, ~100,000
#                                        delivery lines) through the signed HTTP front door into tables; records/second
#                                        end to end and the hub's peak memory
#   scripts/bench.sh --scale demo        the same at demo size (the test suite runs it as a smoke test)
#   scripts/bench.sh complaints          the complaint desk: 10,000 open complaints whose reply deadlines fall at once;
#                                        timer lateness p50/p99 and the hub's CPU per complaint (--count N to change)
#   scripts/bench.sh alerts              alert fan-out: 10,000 alerts to 100 webhook subscribers on loopback (one
#                                        receiver); deliveries/second, the hub's CPU, memory and storage requests per
#                                        delivery (--alerts N, --subscribers N to change)
#   scripts/bench.sh assess              the quarterly assessment of a synthetic province's 2026Q3 (master data through
#                                        the API, the quarter's aggregates from the recompute benchmark's raw requests,
#                                        written once to BENCH_DIR), run twice: every unit computed from the aggregates,
#                                        then the kept results read; wall time, time per unit, the hub's CPU, memory and
#                                        storage requests (--scale demo for a small one, --runs 1 for the first only)
#   scripts/bench.sh console            the console's page times at province size: master data, a working day of feeds,
#                                        10,000 alerts, 300 complaints, 100 cases; one account of each kind signs in and
#                                        asks each of its pages 5 times: median and slowest answer, the hub's CPU and
#                                        table requests per page view (--scale demo for a small one)
#   scripts/bench.sh settlements         issue 34: a day of settlement lines (one code each, --lines N, default 200,000)
#                                        against codes delivered to a synthetic province: 0.5% settled twice, 0.5% never
#                                        delivered; lines/s end to end, the hub's CPU and storage requests per line, peak
#                                        memory, and the R31/R32 counts found (--scale province for its master data)
#   scripts/bench.sh --days 5            ingestion of five working days one after the other, each day's figures on
#                                        their own: the cost per record as the tables and the aggregates fill up
#   scripts/bench.sh recompute           full recomputation of a synthetic province's quarter (~22.5 million records,
#                                        5.2 GB of raw requests, written once to BENCH_DIR, default /tmp/hub-recompute):
#                                        the hub's engine and DuckDB on the same files, each in a process of its own
#                                        (time, peak memory), then their aggregate cells compared one by one
#                                        (--scale demo for a small one; no storage involved)
# Azurite runs as three in-memory processes (blob, queue, table), so that the table service has a core of its own and
# does not spend its time re-serialising its database to disk (see docs/performance.md).
# BENCH_TABLE_HEAP_MB: the table service's heap (MiB, default 16384). BENCH_HUB_HEAP_LIMIT: the hub's managed-heap limit
# (bytes, e.g. 0x60000000 = 1.5 GiB, what .NET takes of a 2 GB Flex Consumption instance; none by default). Ports: BENCH_BLOB_PORT/QUEUE_PORT/TABLE_PORT (default 10100-10102), BENCH_HUB_PORT (default 7171).
set -euo pipefail
mode=ingest
case "${1:-}" in complaints|recompute|alerts|assess|console|settlements) mode=$1; shift ;; esac
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
scripts/setup.sh
dotnet build Integration.sln -c Release --nologo -v quiet > /dev/null
if [ "$mode" = recompute ]; then
  load=(dotnet tests/Integration.Load/bin/Release/net10.0/Integration.Load.dll recompute)
  dir=${BENCH_DIR:-/tmp/hub-recompute}
  if [ "${1:-}" = "--scale" ] && [ "${2:-}" = "demo" ]; then dir=$dir-demo; fi
  [ -d "$dir/orders" ] || "${load[@]}" --dir "$dir" --generate "$@"
  # The hub's engine under a 12 GiB managed-heap limit (it needs more than 9 GiB at province scale), so that its peak is bounded.
  DOTNET_GCHeapHardLimit=${BENCH_HEAP_LIMIT:-0x300000000} "${load[@]}" --dir "$dir" --engine hub --cells "$dir.hub.tsv" "$@"
  "${load[@]}" --dir "$dir" --engine duckdb --cells "$dir.duckdb.tsv" "$@"
  "${load[@]}" --compare "$dir.hub.tsv" --with "$dir.duckdb.tsv"
  exit $?
fi
blob=${BENCH_BLOB_PORT:-10100}; queue=${BENCH_QUEUE_PORT:-10101}; table=${BENCH_TABLE_PORT:-10102}; hub=${BENCH_HUB_PORT:-7171}
common=(--silent --skipApiVersionCheck --disableTelemetry --inMemoryPersistence)
pids=()
# Stops the processes in reverse order (the hub while storage still answers), each given 30 s before it is killed.
cleanup() {
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    p=${pids[i]}; kill "$p" 2>/dev/null || continue
    for _ in $(seq 1 60); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$p" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM
node node_modules/azurite/dist/src/blob/main.js "${common[@]}" --blobHost 127.0.0.1 --blobPort "$blob" > /dev/null 2>&1 & pids+=($!)
node node_modules/azurite/dist/src/queue/main.js "${common[@]}" --queueHost 127.0.0.1 --queuePort "$queue" > /dev/null 2>&1 & pids+=($!)
# The table service holds millions of entities in the assessment benchmark: a heap of its own size (Node's default,
# about 4 GiB, leaves it collecting garbage most of the time).
node --max-old-space-size="${BENCH_TABLE_HEAP_MB:-16384}" node_modules/azurite/dist/src/table/main.js "${common[@]}" --tableHost 127.0.0.1 --tablePort "$table" > /dev/null 2>&1 & pids+=($!)
key="Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
export ASPNETCORE_ENVIRONMENT=Development
export Hub__Storage__ConnectionString="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;TableEndpoint=http://127.0.0.1:$table/devstoreaccount1;"
export Hub__Admin__PartnerId=bench-admin
export Hub__Admin__Secret=whsec_YmVuY2htYXJrLW9ubHktcHJvdmluY2UtYWRtaW4tc2VjcmV0
export Logging__LogLevel__Default=Warning
if [ "$mode" = complaints ]; then
  # The hub's clock reads 2026-12-01 (a Tuesday) BENCH_LEAD seconds (default 240) before 23:59:59 China Standard Time
  # when it starts, and suppliers must reply the same working day: every complaint raised before then is due at 23:59:59.
  Hub__Clock__Offset=$(python3 -c "
import datetime as d
s = int((d.datetime(2026, 12, 1, 15, 59, 59, tzinfo=d.timezone.utc) - d.timedelta(seconds=${BENCH_LEAD:-240}) - d.datetime.now(d.timezone.utc)).total_seconds())
days, rest = divmod(abs(s), 86400)
print(('-' if s < 0 else '') + f'{days}.{rest // 3600:02}:{rest % 3600 // 60:02}:{rest % 60:02}')")
  export Hub__Clock__Offset Hub__Complaints__ReplyWorkingDays=0
  export Logging__LogLevel__Integration=${BENCH_INTEGRATION_LOG_LEVEL:-Warning}
fi
if [ "$mode" = assess ]; then
  # The assessment alone: the monitoring sweep (which would evaluate every unit for the current quarter) is off.
  export Hub__Monitoring__SweepSchedule="0 0 0 1 1 *"
fi
# Storage answers before the hub starts (the hub stops at once when it cannot reach its storage).
for port in "$blob" "$queue" "$table"; do
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
done
hub_env=(); [ -n "${BENCH_HUB_HEAP_LIMIT:-}" ] && hub_env=(DOTNET_GCHeapHardLimit="$BENCH_HUB_HEAP_LIMIT")
env "${hub_env[@]}" dotnet functions/Integration.Functions/bin/Release/net10.0/Integration.Functions.dll --urls "http://127.0.0.1:$hub" > "${BENCH_HUB_LOG:-/dev/null}" 2>&1 & pids+=($!)
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$hub/api/health/ready" > /dev/null && break; sleep 0.2; done
if [ "$mode" = complaints ]; then
  dotnet tests/Integration.Load/bin/Release/net10.0/Integration.Load.dll complaints --url "http://127.0.0.1:$hub" \
    --admin-id "$Hub__Admin__PartnerId" --admin-secret "$Hub__Admin__Secret" --clock-offset "$Hub__Clock__Offset" "$@"
elif [ "$mode" = assess ]; then
  dir=${BENCH_DIR:-/tmp/hub-recompute}
  if [ "${1:-}" = "--scale" ] && [ "${2:-}" = "demo" ]; then dir=$dir-demo; fi
  # Summing a province's quarter takes the hub engine's large heap (see the recompute benchmark).
  DOTNET_GCHeapHardLimit=${BENCH_HEAP_LIMIT:-0x300000000} dotnet tests/Integration.Load/bin/Release/net10.0/Integration.Load.dll assess --url "http://127.0.0.1:$hub" \
    --admin-id "$Hub__Admin__PartnerId" --admin-secret "$Hub__Admin__Secret" --quarter 2026Q3 --province-data --dir "$dir" "$@"
elif [ "$mode" = console ]; then
  dotnet tests/Integration.Load/bin/Release/net10.0/Integration.Load.dll console --url "http://127.0.0.1:$hub" \
    --admin-id "$Hub__Admin__PartnerId" --admin-secret "$Hub__Admin__Secret" "$@"
elif [ "$mode" = settlements ]; then
  dotnet tests/Integration.Load/bin/Release/net10.0/Integration.Load.dll settlements --url "http://127.0.0.1:$hub" \
    --admin-id "$Hub__Admin__PartnerId" --admin-secret "$Hub__Admin__Secret" "$@"
elif [ "$mode" = alerts ]; then
  dotnet tests/Integration.Load/bin/Release/net10.0/Integration.Load.dll alerts --url "http://127.0.0.1:$hub" \
    --admin-id "$Hub__Admin__PartnerId" --admin-secret "$Hub__Admin__Secret" "$@"
else
  dotnet tests/Integration.Load/bin/Release/net10.0/Integration.Load.dll bench --url "http://127.0.0.1:$hub" \
    --admin-id "$Hub__Admin__PartnerId" --admin-secret "$Hub__Admin__Secret" "$@"
fi
