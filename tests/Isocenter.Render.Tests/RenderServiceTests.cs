using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Isocenter.Contracts.Render;
using Isocenter.Dicom.Imaging.Codecs;
using Isocenter.Dicom.Imaging.Tests.Png;
using Isocenter.Dicom.Imaging.Volumes;
using Isocenter.Render.Kernels;
using Isocenter.Testing;
using MassTransit;

namespace Isocenter.Render.Tests;

[Collection(RenderCollection.Name)]
public sealed partial class RenderServiceTests(RenderArchive archive)
{
    private string SeriesPath(int series = 0) => $"studies/{archive.Study}/series/{archive.Series[series].Uid}";

    [Fact]
    public async Task Status_OnACpuOnlyMachine_SaysTheCpuRendererIsUsed()
    {
        using var status = await JsonAsync("");
        Assert.StartsWith("CPU (SIMD renderer", status.RootElement.GetProperty("accelerator").GetString(), StringComparison.Ordinal);
        Assert.False(status.RootElement.GetProperty("gpu").GetBoolean());
        Assert.Contains("ct-angio", status.RootElement.GetProperty("presets").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task Health_AskedForJson_NamesTheRenderer()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(archive.Render.BaseAddress, "health"));
        request.Headers.Accept.ParseAdd("application/json");
        using var response = await archive.Client.SendAsync(request);
        using var health = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
        var renderer = health.RootElement.GetProperty("checks").GetProperty("renderer");
        Assert.StartsWith("CPU (SIMD renderer", renderer.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("False", renderer.GetProperty("data").GetProperty("gpu").GetString());
        Assert.Equal("Healthy", await archive.Client.GetStringAsync(new Uri(archive.Render.BaseAddress, "health")));
    }

    [Fact]
    public async Task Describe_DemoSeries_GridSpacingAndMprRanges()
    {
        using var description = await JsonAsync(SeriesPath());
        var root = description.RootElement;
        Assert.Equal("CT", root.GetProperty("modality").GetString());
        Assert.Equal([128, 128, 40], new[] { root.GetProperty("columns").GetInt32(), root.GetProperty("rows").GetInt32(), root.GetProperty("slices").GetInt32() });
        var spacing = root.GetProperty("spacing").EnumerateArray().Select(s => s.GetDouble()).ToArray();
        Assert.Equal(spacing[0], spacing[1]);
        // 40 slices over 400 mm of trunk: the axial plane moves ±195 mm (39 gaps of 10 mm) about the centre.
        Assert.Equal(10, spacing[2], 0.01);
        Assert.Equal(195, root.GetProperty("offsets").GetProperty("axial").GetProperty("max").GetDouble(), 0.01);
        Assert.Equal(-195, root.GetProperty("offsets").GetProperty("axial").GetProperty("min").GetDouble(), 0.01);
    }

    [Theory]
    [InlineData("ct-bone")]
    [InlineData("ct-soft-tissue")]
    [InlineData("ct-lung")]
    [InlineData("ct-angio")]
    [InlineData("mr-default")]
    public async Task Volume_EachPreset_SameImageAsTheKernelsCpuRendererOfTheFiles(string preset)
    {
        using var response = await archive.Client.GetAsync(new Uri($"{SeriesPath()}/volume?preset={preset}&azimuth=30&elevation=15&size=96x80&format=png", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        var image = PngReader.Read(await response.Content.ReadAsByteArrayAsync());
        var volume = RenderVolume.FromDicom(DicomVolumeLoader.Load(archive.Series[0].Files, DicomCodecRegistry.CreateDefault()));
        var expected = CpuVolumeRenderer.Render(volume, new RenderRequest(VolumeCamera.Orbit(volume.Geometry, 30, 15, 96, 80), RenderMode.Dvr)
        {
            Preset = TransferFunction.Presets.Single(p => p.Name == preset),
            CentralDifferenceWeight = 0, // a still frame is the reference image
        });
        Assert.Equal((96, 80, 3), (image.Width, image.Height, image.Channels));
        Assert.Equal(expected.Pixels, image.Pixels);
        Assert.Contains(image.Pixels, v => v > 40);
    }

    [Fact]
    public async Task Volume_IlgpuKernelsOnTheCpuAccelerator_SameImagesAsTheCpuRenderer()
    {
        // The GPU code path of the service (upload, kernels, readback) where CI has no GPU.
        await using var kernels = await archive.StartRenderAsync(new Dictionary<string, string> { ["Render:Accelerator"] = "IlgpuCpu" });
        using var client = new HttpClient { BaseAddress = new Uri(kernels.BaseAddress, "render/") };
        using var status = JsonDocument.Parse(await client.GetStringAsync(new Uri("", UriKind.Relative)));
        Assert.StartsWith("CPU", status.RootElement.GetProperty("accelerator").GetString(), StringComparison.Ordinal);

        foreach (var query in new[] { "volume?preset=ct-angio&azimuth=-40&size=72x64", "volume?mode=mip&elevation=30&size=72x64", "mpr?plane=sagittal&slab=20&size=72x64" })
        {
            var expected = PngReader.Read(await BytesAsync($"{SeriesPath()}/{query}&format=png"));
            using var response = await client.GetAsync(new Uri($"{SeriesPath()}/{query}&format=png", UriKind.Relative));
            var actual = PngReader.Read(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal(expected.Pixels.Length, actual.Pixels.Length);
            var worst = expected.Pixels.Zip(actual.Pixels, (e, a) => Math.Abs(e - a)).Max();
            Assert.True(worst <= 1, $"{query}: largest difference {worst} grey levels.");
        }
    }

    [Theory]
    [InlineData("plane=axial", "top=A;right=L;bottom=P;left=R")]
    [InlineData("plane=coronal", "top=H;right=L;bottom=F;left=R")]
    [InlineData("plane=sagittal", "top=H;right=P;bottom=F;left=A")]
    [InlineData("plane=oblique&normal=1,1,0", "top=H;right=LA;bottom=F;left=RP")]
    public async Task Mpr_EachPlane_JpegWithOrientationLabels(string plane, string labels)
    {
        using var response = await archive.Client.GetAsync(new Uri($"{SeriesPath()}/mpr?{plane}&size=100x90&quality=80", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal((100, 90, 1), Size(Djpeg.Decode(await response.Content.ReadAsByteArrayAsync())));
        Assert.Equal(labels, response.Headers.GetValues("X-Orientation").Single());
        Assert.Matches(RenderTiming(), response.Headers.GetValues("Server-Timing").Single());
    }

    [Fact]
    public async Task Mpr_ThinAxialSliceAtAnOffset_TheSliceOfTheFilesThroughTheWindow()
    {
        // Offset 15 mm from the centre (between slices 21 and 22 of 40, 10 mm apart: halfway), window W400/L40.
        using var response = await archive.Client.GetAsync(new Uri($"{SeriesPath()}/mpr?plane=axial&offset=15&window=40,400&size=64x64&format=png", UriKind.Relative));

        var image = PngReader.Read(await response.Content.ReadAsByteArrayAsync());
        var volume = RenderVolume.FromDicom(DicomVolumeLoader.Load(archive.Series[0].Files, DicomCodecRegistry.CreateDefault()));
        var expected = CpuVolumeRenderer.Render(volume, new RenderRequest(VolumeCamera.Axial(volume.Geometry, 64, 64).Moved(15), RenderMode.Mip) { SlabThickness = 0 });
        Assert.Equal(expected.Pixels, image.Pixels);
        Assert.True(image.Pixels.Distinct().Count() > 20, "An axial slice through the trunk has many grey levels.");
    }

    [Fact]
    public async Task Volume_ClipBoxAndCut_ChangeTheImage()
    {
        var whole = await BytesAsync($"{SeriesPath()}/volume?mode=mip&size=64x64&format=png");
        var clipped = await BytesAsync($"{SeriesPath()}/volume?mode=mip&size=64x64&format=png&clip=0,0.5,0,1,0,1");
        var cut = await BytesAsync($"{SeriesPath()}/volume?mode=mip&size=64x64&format=png&cut=0,0,0,1,0,0");

        Assert.NotEqual(whole, clipped);
        Assert.NotEqual(whole, cut);
    }

    [Theory]
    [InlineData("volume?colour=red", "Unknown parameter 'colour'")]
    [InlineData("volume?size=4000x10", "size '4000x10'")]
    [InlineData("volume?preset=bone", "preset 'bone' is not one of ct-bone")]
    [InlineData("volume?window=40,0", "window '40,0'")]
    [InlineData("mpr?plane=oblique", "plane=oblique needs normal")]
    [InlineData("mpr?mode=dvr", "mode 'dvr' is not mip")]
    [InlineData("mpr?azimuth=10", "Unknown parameter 'azimuth'")]
    public async Task Image_BadParameter_400ProblemNamingIt(string query, string detail)
    {
        using var response = await archive.Client.GetAsync(new Uri($"{SeriesPath()}/{query}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(detail, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Volume_SeriesNotInTheArchive_404()
    {
        using var response = await archive.Client.GetAsync(new Uri($"studies/{archive.Study}/series/1.2.3.4/volume", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("No series 1.2.3.4", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Volume_MalformedUid_400()
    {
        using var response = await archive.Client.GetAsync(new Uri($"studies/{archive.Study}/series/1.2.x/volume", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Volume_SeriesOfOneSlice_422NamingWhy()
    {
        var single = archive.Demo("single", "--patients", "1", "--slices", "1", "--size", "32", "--seed", "3", "--id-prefix", "RENDERONE");
        await archive.StoreAsync(single);
        var study = single[0].Dataset.GetString(Dicom.DicomTag.StudyInstanceUID);
        var series = single[0].Dataset.GetString(Dicom.DicomTag.SeriesInstanceUID);

        using var response = await archive.Client.GetAsync(new Uri($"studies/{study}/series/{series}/volume", UriKind.Relative));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("does not make a volume", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cache_MovingBetweenTwoSeriesOverBudget_EvictsTheLeastRecentlyUsed()
    {
        Assert.NotEmpty(await BytesAsync($"{SeriesPath(0)}/mpr?size=32x32"));
        Assert.NotEmpty(await BytesAsync($"{SeriesPath(1)}/mpr?size=32x32"));

        await archive.Render.WaitForLogAsync(EvictedRegex(), TimeSpan.FromSeconds(10));
        using var status = await JsonAsync("");
        Assert.Equal(1, status.RootElement.GetProperty("cachedVolumes").GetInt32());
    }

    [Fact]
    public async Task Cache_SeriesChanged_NextFrameHasTheNewSlices()
    {
        var files = archive.Demo("growing", "--patients", "1", "--slices", "12", "--size", "32", "--seed", "5", "--id-prefix", "RENDERGROW")
            .OrderBy(f => f.Dataset.GetValue<int>(Dicom.DicomTag.InstanceNumber)).ToList();
        var study = files[0].Dataset.GetString(Dicom.DicomTag.StudyInstanceUID);
        var series = files[0].Dataset.GetString(Dicom.DicomTag.SeriesInstanceUID);
        await archive.StoreAsync(files[..8]);
        using (var before = await JsonAsync($"studies/{study}/series/{series}"))
        {
            Assert.Equal(8, before.RootElement.GetProperty("slices").GetInt32());
        }

        await archive.StoreAsync(files[8..]);

        // SeriesChanged reaches the service after indexing; bounded wait for it to drop the old volume.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        int slices;
        do
        {
            await Task.Delay(200, CancellationToken.None);
            using var after = await JsonAsync($"studies/{study}/series/{series}");
            slices = after.RootElement.GetProperty("slices").GetInt32();
        }
        while (slices != 12 && !deadline.IsCancellationRequested);
        Assert.Equal(12, slices);
    }

    [Fact]
    public async Task Cache_PrepareVolumePublished_TheSeriesIsLoadedBeforeAnyFrame_AndVolumeLoadedPublished()
    {
        var files = archive.Demo("prepared", "--patients", "1", "--slices", "6", "--size", "32", "--seed", "9", "--id-prefix", "RENDERPREP");
        await archive.StoreAsync(files);
        var (study, series) = (files[0].Dataset.GetString(Dicom.DicomTag.StudyInstanceUID)!, files[0].Dataset.GetString(Dicom.DicomTag.SeriesInstanceUID)!);
        var loaded = new TaskCompletionSource<VolumeLoaded>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bus = Bus.Factory.CreateUsingRabbitMq(rabbit =>
        {
            rabbit.Host(new Uri(archive.Running.Settings["ConnectionStrings:RabbitMq"]));
            rabbit.ReceiveEndpoint("render-tests-" + Guid.NewGuid().ToString("N"), endpoint =>
            {
                endpoint.AutoDelete = true;
                endpoint.Handler<VolumeLoaded>(context =>
                {
                    if (context.Message.SeriesInstanceUid == series)
                    {
                        loaded.TrySetResult(context.Message);
                    }
                    return Task.CompletedTask;
                });
            });
        });
        await bus.StartAsync();
        try
        {
            await bus.Publish(new PrepareVolume(study, series));

            await archive.Render.WaitForLogAsync(new Regex($"Loaded series {Regex.Escape(series)} of study .*: 32x32x6"), TimeSpan.FromSeconds(30));
            var volume = await loaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(study, volume.StudyInstanceUid);
            Assert.True(volume.Bytes >= 32 * 32 * 6 * sizeof(short), $"{volume.Bytes} bytes");
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    private async Task<JsonDocument> JsonAsync(string path)
    {
        using var response = await archive.Client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<byte[]> BytesAsync(string path)
    {
        using var response = await archive.Client.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }

    internal static (int Width, int Height, int Channels) Size(DecodedImage image) => (image.Width, image.Height, image.Channels);

    [GeneratedRegex(@"^render;dur=[\d.]+, encode;dur=[\d.]+$")]
    private static partial Regex RenderTiming();

    [GeneratedRegex("Evicted series")]
    private static partial Regex EvictedRegex();
}
