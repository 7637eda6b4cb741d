using System.Text.RegularExpressions;
using Crm.Tests.Infrastructure;

namespace Crm.Tests.Web;

/// <summary>
/// The Content-Security-Policy allows scripts and styles from the CRM's own files only
/// (<c>'self'</c>): an inline style, style element, event handler or script is blocked by the
/// browser, so the page silently loses it. Every Razor file is read, so a page the crawling tests
/// never open (one that needs a webhook or a retention rule to exist) is covered too.
/// </summary>
[Trait(TestLanes.Database, TestLanes.None)]
public sealed partial class PageSourceTests
{
    [GeneratedRegex(@"\sstyle\s*=|<style[\s>]|\son[a-z]+\s*=\s*[""']|<script(?![^>]*\ssrc\s*=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyleOrScript();

    [Fact]
    public void No_razor_file_holds_an_inline_style_or_script_that_the_content_security_policy_would_block()
    {
        var repository = RepositoryRoot.Path;

        var files = Directory.GetFiles(Path.Combine(repository, "src", "Crm.Web"), "*.cshtml", SearchOption.AllDirectories);
        Assert.True(files.Length > 50, $"only {files.Length} Razor files found");
        var found = files
            .SelectMany(file => File.ReadAllLines(file).Select((line, i) => (file, line, number: i + 1)))
            .Where(l => InlineStyleOrScript().IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(repository, l.file)}:{l.number}: {l.line.Trim()}")
            .ToList();
        Assert.True(found.Count == 0, "Blocked by the Content-Security-Policy (move it to wwwroot/css/site.css or a script file):\n" + string.Join("\n", found));
    }
}
