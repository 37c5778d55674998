using System.Xml;
using System.Xml.Linq;

namespace NeuralLab.Tests.Report;

/// <summary>Checks of index.html shared by the tests: well-formed (as XML) and self-contained.</summary>
public static class PageChecks
{
    /// <summary>Parses the page as XML: every element closed and nested, attributes quoted, only XML's entities.</summary>
    public static XDocument ParseXml(string html)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        using var reader = XmlReader.Create(new StringReader(html), settings);
        return XDocument.Load(reader);
    }

    /// <summary>Nothing the page shows may come from elsewhere: every image a data: URI, no stylesheet, script or frame by address.</summary>
    public static void AssertSelfContained(XDocument page)
    {
        var all = page.Descendants().ToList();
        foreach (var img in all.Where(e => e.Name.LocalName == "img"))
            Assert.StartsWith("data:image/", (string?)img.Attribute("src") ?? "");
        foreach (var e in all.Where(e => e.Name.LocalName != "a"))
        {
            foreach (var attr in e.Attributes().Where(a => a.Name.LocalName is "src" or "href" or "srcset" or "poster" or "data"))
                Assert.False(attr.Value.StartsWith("http", StringComparison.OrdinalIgnoreCase) || attr.Value.StartsWith("//"),
                    $"<{e.Name.LocalName} {attr.Name}=\"{attr.Value}\"> is fetched from the network");
        }
        Assert.DoesNotContain(all, e => e.Name.LocalName is "link" or "iframe" or "object" or "embed");
        Assert.DoesNotContain(all, e => e.Name.LocalName == "script" && e.Attribute("src") != null);
        foreach (var style in all.Where(e => e.Name.LocalName == "style"))
        {
            Assert.DoesNotContain("url(", style.Value);
            Assert.DoesNotContain("@import", style.Value);
        }
        // Links to other pages are allowed (they are not needed to view this one); nothing else may name a web address.
        var textOutsideLinks = string.Concat(all.Where(e => e.Name.LocalName is "style" or "script").Select(e => e.Value));
        Assert.DoesNotContain("http://", textOutsideLinks);
        Assert.DoesNotContain("https://", textOutsideLinks);
    }

    public static XElement ById(XDocument page, string id) =>
        page.Descendants().SingleOrDefault(e => (string?)e.Attribute("id") == id) ?? throw new Xunit.Sdk.XunitException($"no element with id '{id}'");

    public static bool HasClass(XElement e, string cls) => ((string?)e.Attribute("class") ?? "").Split(' ').Contains(cls);
}
