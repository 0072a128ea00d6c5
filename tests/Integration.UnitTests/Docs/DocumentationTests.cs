using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Integration.UnitTests.Docs;

/// <summary>
/// The README is the front door and docs/ the house (issue 28): every relative link of README.md, docs/*.md and
/// infra/README.md resolves in a clone (a file of the repo, and a heading of it for an <c>#anchor</c>), nothing links
/// outside the repo (../shared is not in a clone), every function and every monitoring rule's class is named in the documents,
/// and the README stays short.
/// </summary>
public sealed partial class DocumentationTests
{
    /// <summary>The documents whose links are checked, relative to the repo's root.</summary>
    public static TheoryData<string> Documents() => new(Paths());

    private static IEnumerable<string> Paths() =>
        new[] { "README.md", "infra/README.md" }.Concat(Directory.GetFiles(Path.Combine(Repo.Root, "docs"), "*.md")
            .Order(StringComparer.Ordinal).Select(f => Path.GetRelativePath(Repo.Root, f).Replace('\\', '/')));

    [Theory]
    [MemberData(nameof(Documents))]
    public void RelativeLinks_ResolveToAFileAndHeadingOfTheRepo(string document)
    {
        var path = Path.Combine(Repo.Root, document);
        var broken = new List<string>();
        foreach (var target in Links(File.ReadAllText(path)))
        {
            if (IsExternal(target)) continue;
            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var file = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!resolved.StartsWith(Repo.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                broken.Add($"{target}: outside the repository (a clone does not have it; copy what is needed into the repo)");
            else if (!File.Exists(resolved) && !Directory.Exists(resolved))
                broken.Add($"{target}: no such file");
            else if (anchor is not null && (!resolved.EndsWith(".md", StringComparison.Ordinal) || !Anchors(File.ReadAllText(resolved)).Contains(anchor)))
                broken.Add($"{target}: no heading '#{anchor}' in {Path.GetRelativePath(Repo.Root, resolved)}");
        }
        Assert.True(broken.Count == 0, $"{document}:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void NoDocument_PointsIntoTheSharedFolderOutsideTheRepo()
    {
        foreach (var document in Paths())
            Assert.DoesNotContain("../shared", File.ReadAllText(Path.Combine(Repo.Root, document)), StringComparison.Ordinal);
    }

    [Fact]
    public void EveryFunction_IsNamedInTheDocuments()
    {
        var text = string.Concat(Paths().Select(d => File.ReadAllText(Path.Combine(Repo.Root, d))));
        var functions = Directory.GetDirectories(Path.Combine(Repo.Root, "functions", "Integration.Functions"))
            .Where(d => File.Exists(Path.Combine(d, "function.json"))).Select(Path.GetFileName).ToList();
        Assert.NotEmpty(functions);
        var unnamed = functions.Where(f => !Regex.IsMatch(text, $@"(?<![A-Za-z0-9]){Regex.Escape(f!)}(?![A-Za-z0-9])")).ToList();
        Assert.True(unnamed.Count == 0, "Functions never named in README.md or docs/: " + string.Join(", ", unnamed));
    }

    [Fact]
    public void EveryMonitoringRuleClass_IsNamedInTheRulesDocument()
    {
        var rules = File.ReadAllText(Path.Combine(Repo.Root, "docs", "rules.md"));
        var classes = typeof(Integration.Domain.Monitoring.Rules.MonitoringRule).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Integration.Domain.Monitoring.Rules.MonitoringRule))).Select(t => t.Name).ToList();
        Assert.True(classes.Count >= 17, string.Join(", ", classes));
        var unnamed = classes.Where(c => !rules.Contains($"`{c}`", StringComparison.Ordinal)).ToList();
        Assert.True(unnamed.Count == 0, "Rule classes never named in docs/rules.md: " + string.Join(", ", unnamed));
    }

    [Fact]
    public void Readme_StaysAFrontDoor_ShortAndLinkingEachDocument()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
        var lines = readme.Split('\n').Length;
        Assert.True(lines < 200, $"README.md has {lines} lines: it is the front door; move the detail into docs/.");
        var linked = Links(readme).Select(l => l.Split('#')[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var document in Directory.GetFiles(Path.Combine(Repo.Root, "docs"), "*.md"))
            Assert.Contains($"docs/{Path.GetFileName(document)}", linked);
    }

    [Theory]
    [InlineData("## Authentication", "authentication")]
    [InlineData("## Supervision cases (督导, R27)", "supervision-cases-督导-r27")]
    [InlineData("## Complaint deadlines (`scripts/bench.sh complaints`)", "complaint-deadlines-scriptsbenchsh-complaints")]
    [InlineData("# The rules R1–R27", "the-rules-r1r27")]
    public void Anchors_AreGitHubSlugs(string heading, string anchor) => Assert.Contains(anchor, Anchors(heading));

    /// <summary>The targets of the inline links <c>[text](target)</c>, outside code blocks and code spans.</summary>
    private static IEnumerable<string> Links(string markdown)
    {
        foreach (var line in Prose(markdown))
            foreach (Match link in InlineLink().Matches(CodeSpan().Replace(line, "")))
                yield return link.Groups["target"].Value;
    }

    /// <summary>The anchors GitHub gives the headings: lower case, punctuation dropped (letters of any script kept), spaces as hyphens, repeats numbered.</summary>
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in Prose(markdown))
        {
            var heading = Heading().Match(line);
            if (!heading.Success) continue;
            var slug = new StringBuilder();
            foreach (var c in heading.Groups["text"].Value.Trim().ToLowerInvariant())
            {
                var category = char.GetUnicodeCategory(c);
                if (c == ' ') slug.Append('-');
                else if (c == '-' || char.IsLetterOrDigit(c) || category is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark) slug.Append(c);
            }
            var anchor = slug.ToString();
            var count = seen.GetValueOrDefault(anchor);
            seen[anchor] = count + 1;
            anchors.Add(count == 0 ? anchor : $"{anchor}-{count}");
        }
        return anchors;
    }

    /// <summary>The lines outside fenced code blocks.</summary>
    private static IEnumerable<string> Prose(string markdown)
    {
        var fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            if (!fenced) yield return line;
        }
    }

    private static bool IsExternal(string target) =>
        target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal);

    [GeneratedRegex(@"(?<!!)\[[^\]]*\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();
}
