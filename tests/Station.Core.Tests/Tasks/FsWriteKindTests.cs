using System.Text.Json;
using Ccdsvm.Shared.Contracts;
using Ccdsvm.Station.Core.Tasks;

namespace Ccdsvm.Station.Core.Tests.Tasks;

public sealed class FsWriteKindTests
{
    private const string Id = "0123456789abcdef0123456789abcdef";
    private static readonly TaskKindDefinition Write = new TaskKindCatalog().All.Single(k => k.Kind == TaskKinds.FsWrite);

    private static JsonElement J(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Theory]
    [InlineData("""{"path":"/srv/a","content":""}""")]
    [InlineData("""{"path":"/srv/a","content":"  \n"}""")]
    [InlineData("""{"path":"/srv/a","content":"x","overwrite":true}""")]
    [InlineData("""{"path":"/srv/a","uploadId":"0123456789abcdef0123456789abcdef"}""")]
    [InlineData("""{"path":"/srv/a","uploadId":"0123456789abcdef0123456789abcdef","content":null}""")]
    public void Validate_AcceptsEmptyContentOrAnUploadId(string json) => Assert.Null(Write.Validate(J(json)));

    [Theory]
    [InlineData("""{"path":"/srv/a","content":"x","uploadId":"0123456789abcdef0123456789abcdef"}""", "give either 'content' or 'uploadId', not both")]
    [InlineData("""{"path":"/srv/a","content":"","uploadId":"0123456789abcdef0123456789abcdef"}""", "give either 'content' or 'uploadId', not both")]
    [InlineData("""{"path":"/srv/a"}""", "give 'content' (text, may be empty) or 'uploadId' (a file uploaded with POST /api/v1/uploads)")]
    [InlineData("""{"path":"/srv/a","overwrite":true,"content":null}""", "give 'content' (text, may be empty) or 'uploadId'")]
    [InlineData("""{"path":"/srv/a","content":42}""", "parameter 'content' must be a string")]
    [InlineData("""{"path":"/srv/a","uploadId":""}""", "parameter 'uploadId' must be a non-empty string")]
    [InlineData("""{"content":"x"}""", "missing parameter 'path'")]
    public void Validate_RefusesBothNeitherOrMistyped_WithAClearMessage(string json, string expected) =>
        Assert.Contains(expected, Write.Validate(J(json)));

    [Fact]
    public void Validate_ContentOverOneMiB_PointsToUploads()
    {
        var p = JsonSerializer.SerializeToElement(new { path = "/srv/a", content = new string('x', FsWrite.MaxContentChars + 1) });
        Assert.Contains($"parameter 'content' is longer than {FsWrite.MaxContentChars} characters", Write.Validate(p));
        Assert.Null(Write.Validate(JsonSerializer.SerializeToElement(new { path = "/srv/a", content = new string('x', 5000) })));
    }

    [Fact]
    public void OtherStringsStayNonEmptyAndAt4096()
    {
        Assert.Contains("parameter 'path' must be a non-empty string", Write.Validate(J("""{"path":"","content":"x"}""")));
        var longPath = JsonSerializer.SerializeToElement(new { path = "/" + new string('p', 4096), content = "x" });
        Assert.Contains("parameter 'path' is 4097 characters long; a path has at most 4096", Write.Validate(longPath));
    }
}
