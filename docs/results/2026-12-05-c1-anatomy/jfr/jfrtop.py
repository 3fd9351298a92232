import re,sys,collections
txt=open(sys.argv[1]).read()
evs=txt.split('jdk.ExecutionSample')
bythread=collections.Counter(); top=collections.defaultdict(collections.Counter); incl=collections.defaultdict(collections.Counter)
for e in evs:
    m=re.search(r'sampledThread = "([^"]+)"',e)
    if not m: continue
    th=re.sub(r'\d+$','N',m.group(1))
    frames=re.findall(r'^\s+([\w.$<>]+\.[\w$<>]+)\(',e,re.M)
    if not frames: continue
    bythread[th]+=1
    top[th][frames[0]]+=1
    for f in set(frames): incl[th][f]+=1
for th,n in bythread.most_common(8):
    print(f"== {th}: {n} samples")
    for f,c in top[th].most_common(8): print(f"   top  {c:5d} {f}")
    for f,c in incl[th].most_common(25):
        if 'dev.classifier' in f: print(f"   incl {c:5d} {f}")
