using System.Net.Http.Headers;
using Crm.Web.Security;

namespace Crm.Tests.Infrastructure;

public static class FileKit
{
    public static Task<HttpResponseMessage> UploadAsync(this PageClient client, string module, int id, string name, byte[] content, string type = "text/plain") =>
        client.UploadAsync(module, id, name, new ByteArrayContent(content), type);

    public static Task<HttpResponseMessage> UploadAsync(this PageClient client, string module, int id, string name, HttpContent file, string type = "text/plain")
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(module), "module" },
            { new StringContent(id.ToString(System.Globalization.CultureInfo.InvariantCulture)), "id" },
        };
        file.Headers.ContentType = new MediaTypeHeaderValue(type);
        form.Add(file, "file", name);
        return client.Http.PostAsync("/api/v1/files", form);
    }

    /// <summary>Every file in the store (stored content and temporary files).</summary>
    public static IReadOnlyList<string> StoredPaths(CrmApp app) =>
        Directory.Exists(app.FilesRoot) ? Directory.GetFiles(app.FilesRoot, "*", SearchOption.AllDirectories) : [];

    public static Actor ActorFor(Guid userId, bool administrator = false) => new(ActorKind.User, userId, administrator, "test");
}

/// <summary>Content produced on the fly, so a huge upload is sent without holding it in memory.</summary>
public sealed class GeneratedContent(long size) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        var block = new byte[64 * 1024];
        Array.Fill(block, (byte)'x');
        for (long sent = 0; sent < size; sent += block.Length)
        {
            await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, size - sent)));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = size;
        return true;
    }
}
