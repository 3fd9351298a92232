import sys, subprocess, collections, re
# usage: shares.py perf.data MODEL  -> share of the machine's samples by role
data, model = sys.argv[1], sys.argv[2]
out = subprocess.run(['perf','script','-i',data,'-F','comm,pid,tid,ip,dso'], capture_output=True, text=True).stdout
rows = []
for l in out.splitlines():
    m = re.match(r'\s*(.*?)\s+(\d+)/(\d+)\s+\S+\s+(\(.*\))?', l)
    if not m: continue
    rows.append((m.group(2), m.group(3), m.group(1), m.group(4) or ''))
server = {r[0] for r in rows if r[2].startswith(model[:12] + '-wo') or r[2].startswith(model + '-wo')}
jvms = {r[0] for r in rows if r[2].startswith('C2 Compiler') or r[2].startswith('VM Periodic')}
c = collections.Counter()
for pid, tid, comm, dso in rows:
    if pid in server:
        if '-wo' in comm or 'onnxruntime' in dso: role = 'server engine (batch workers + ORT pool)'
        elif 'Compiler' in comm: role = 'server JIT'
        elif comm.startswith('GC') or comm.startswith('G1'): role = 'server GC'
        else: role = 'server gRPC/Netty/answers/other'
    elif pid == '0': role = 'idle'
    elif pid in jvms: role = 'load generator (whole JVM)'
    else: role = 'other (kernel threads, perf, shell): ' + comm
    c[role] += 1
n = sum(c.values())
for k, v in c.most_common():
    if v / n >= 0.002: print(f'{100*v/n:6.2f} %  {k}')
print(f'{n} samples')
