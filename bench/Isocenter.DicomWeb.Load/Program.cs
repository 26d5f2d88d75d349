using System.Diagnostics;
using System.Globalization;

// usage: Isocenter.DicomWeb.Load latency|throughput URL COUNT [HEADER: VALUE]...
//   latency:    GETs URL COUNT times one after another (after 50 untimed); prints "p50_ms p95_ms p99_ms".
//   throughput: GETs URL (a WADO-RS series) COUNT times, reading every byte; prints "MB_per_s bytes_per_response".
if (args.Length < 3 || args[0] is not ("latency" or "throughput") || !int.TryParse(args[2], CultureInfo.InvariantCulture, out var count) || count < 1)
{
    await Console.Error.WriteLineAsync("usage: Isocenter.DicomWeb.Load latency|throughput URL COUNT [HEADER: VALUE]...").ConfigureAwait(false);
    return 2;
}
var url = new Uri(args[1]);
using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
foreach (var header in args.Skip(3))
{
    var colon = header.IndexOf(':', StringComparison.Ordinal);
    http.DefaultRequestHeaders.TryAddWithoutValidation(header[..colon].Trim(), header[(colon + 1)..].Trim());
}
var buffer = new byte[1 << 20];

// Steady state, as a server that has run a while: .NET's tiered JIT recompiles a method optimized after its 30th call, in
// the background, so the per-request code needs more calls than that, then a moment, before its optimized code runs.
for (var i = 0; i < 50; i++)
{
    await GetAsync().ConfigureAwait(false);
}
await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
var times = new double[count];
long bytes = 0;
var total = Stopwatch.StartNew();
for (var i = 0; i < count; i++)
{
    var one = Stopwatch.StartNew();
    bytes += await GetAsync().ConfigureAwait(false);
    times[i] = one.Elapsed.TotalMilliseconds;
}
total.Stop();
Array.Sort(times);
double Percentile(double p) => times[Math.Min(count - 1, (int)Math.Ceiling(p * count) - 1)];
Console.WriteLine(args[0] == "latency"
    ? string.Create(CultureInfo.InvariantCulture, $"{Percentile(0.50):F2} {Percentile(0.95):F2} {Percentile(0.99):F2}")
    : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6 / total.Elapsed.TotalSeconds:F1} {bytes / count}"));
return 0;

// One GET, every byte of the body read; fails on a status other than 200.
async Task<long> GetAsync()
{
    using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
    if (!response.IsSuccessStatusCode)
    {
        throw new HttpRequestException($"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
    }
    await using var body = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
    long read = 0;
    int n;
    while ((n = await body.ReadAsync(buffer).ConfigureAwait(false)) > 0)
    {
        read += n;
    }
    return read;
}
