"""Which threads ran during the request leg (the client sender waking its event loop ->
the server event loop waking the batch worker) of each c=1 request, from a c1_anatomy run's
timehist: sums the run time of every thread switched out inside the leg, and the idle time.
Approximate: a thread still running when the leg ends (the server event loop, which ends the leg
by waking the worker) is not counted for that leg. usage: request-leg.py timehist.txt.gz MODEL"""
import gzip, re, sys, statistics as st
path, model = sys.argv[1], sys.argv[2]
worker=(model+"-worker-")[:15]
W=re.compile(r'\s*([\d.]+)\s+\[(\d+)\]\s+(.+?)\[(\d+)/\d+\]\s+awakened: (.+?)\[(\d+)')
S=re.compile(r'\s*([\d.]+)\s+\[(\d+)\]\s+(.+?)\[(\d+)(?:/\d+)?\]\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$')
S2=re.compile(r'\s*([\d.]+)\s+\[(\d+)\]\s+(<idle>)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*$')
ev=[]
for line in gzip.open(path,'rt',errors='replace'):
    m=W.match(line)
    if m: ev.append(('w',float(m.group(1))*1e3,m.group(3).strip(),m.group(5).strip())); continue
    m=S.match(line)
    if m: ev.append(('s',float(m.group(1))*1e3,m.group(3).strip(),float(m.group(7)))); continue
    m=S2.match(line)
    if m: ev.append(('s',float(m.group(1))*1e3,'<idle>',float(m.group(6))))
# windows send->queued
wins=[];start=None
for e in ev:
    if e[0]=='w' and e[2].startswith('closed-loop') and e[3].startswith('grpc-default-wo'):
        if start is None: start=e[1]
    elif e[0]=='w' and start is not None and e[2].startswith('multiThreadIoEv') and e[3].startswith(worker):
        wins.append((start,e[1])); start=None
# sum run time per comm for switch-outs within window (approx: run ended inside window)
agg={}
for a,b in wins:
    per={}
    for e in ev:
        if e[0]=='s' and a<e[1]<=b+0.0001:
            k=re.sub(r'\d+$','',e[2])[:15]; per[k]=per.get(k,0)+e[3]
    for k,v in per.items(): agg.setdefault(k,[]).append(v)
n=len(wins); print(n,"windows; median window",round(st.median([b-a for a,b in wins]),3),"ms")
for k,v in sorted(agg.items(), key=lambda x:-sum(x[1])):
    v=v+[0]*(n-len(v)); print(f"  {k:16s} median {st.median(v):.3f} mean {st.mean(v):.3f} ms")
