// A CPU-bound snippet, for benchmarks/startup/run long: what C1 only costs code that computes.
long t0 = System.nanoTime();
var rnd = new Random(42);
int[] a = new int[20_000_000];
for (int i = 0; i < a.length; i++) a[i] = rnd.nextInt();
Arrays.sort(a);
long h = 0;
for (int x : a) h = h * 31 + x;
System.out.println("cpu-bound " + (System.nanoTime() - t0) / 1_000_000 + " ms (" + h + ")");
/exit
