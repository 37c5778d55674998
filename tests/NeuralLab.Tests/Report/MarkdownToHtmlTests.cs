using NeuralLab.Report;

namespace NeuralLab.Tests.Report;

[Collection(Independent.Name)]
public class MarkdownToHtmlTests
{
    static string R(string md) => MarkdownToHtml.Render(md);

    [Fact]
    public void Raw_html_is_escaped_never_passed_through()
    {
        string html = R("<script>alert(\"x\")</script> & <img src=x onerror=alert(1)>");
        Assert.Equal("<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</p>\n", html);
    }

    [Fact]
    public void Inline_constructs_render_and_formulas_and_snake_case_stay_text()
    {
        Assert.Equal("<p><strong>bold</strong> and <em>em</em> and <code>a &lt; b</code></p>\n", R("**bold** and *em* and `a < b`"));
        Assert.Equal("<p>2*x*y and snake_case_name and a * b</p>\n", R("2*x*y and snake_case_name and a * b"));
        Assert.Equal("<p><a href=\"https://example.org/?a=1&amp;b=2\">the <strong>paper</strong></a></p>\n", R("[the **paper**](https://example.org/?a=1&b=2)"));
        Assert.Equal("<p><a href=\"#claims\">table</a></p>\n", R("[table](#claims)"));
        Assert.Equal("<p>* literal * and <code>**not bold**</code></p>\n", R("\\* literal * and `**not bold**`"));
    }

    [Fact]
    public void Script_links_lose_their_target_and_images_become_their_alt_text()
    {
        Assert.Equal("<p>click</p>\n", R("[click](javascript:alert(1))"));
        Assert.Equal("<p>x <em>a plot</em></p>\n", R("x ![a plot](https://example.org/p.png)"));
    }

    [Fact]
    public void Blocks_render_lists_headings_code_tables_and_quotes()
    {
        Assert.Equal("<ul>\n<li>one</li>\n<li>two <code>x</code></li>\n</ul>\n", R("- one\n- two `x`"));
        Assert.Equal("<ol start=\"3\">\n<li>three\ncontinued</li>\n<li>four</li>\n</ol>\n", R("3. three\ncontinued\n4. four"));
        Assert.Equal("<h3>Title</h3>\n<p>a\nb</p>\n<p>c</p>\n", R("# Title\na\nb\n\nc"));
        Assert.Equal("<pre><code>if (a &lt; b) **x**</code></pre>\n", R("```csharp\nif (a < b) **x**\n```"));
        Assert.Equal("<table class=\"md\">\n<thead><tr><th>n</th><th style=\"text-align: right\">s</th></tr></thead>\n<tbody>\n" +
                     "<tr><td>1</td><td style=\"text-align: right\">0.5</td></tr>\n</tbody>\n</table>\n", R("| n | s |\n|---|---:|\n| 1 | 0.5 |"));
        Assert.Equal("<blockquote>\n<p>quoted <strong>bold</strong></p>\n</blockquote>\n", R("> quoted **bold**"));
        Assert.Equal("<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>after</p>\n", R("- a\n\n- b\n\nafter"));
    }

    [Fact]
    public void Any_input_renders_to_balanced_well_formed_markup()
    {
        // Adversarial soup of every character the renderer treats specially: the output must always parse as XML.
        const string alphabet = "ab1 *_`[]()!#-|>:\n\\&<\"'.~";
        var random = new Random(3);
        for (int trial = 0; trial < 3000; trial++)
        {
            var chars = new char[random.Next(0, 60)];
            for (int k = 0; k < chars.Length; k++) chars[k] = alphabet[random.Next(alphabet.Length)];
            string md = new(chars);
            string html = MarkdownToHtml.Render(md);
            try
            {
                PageChecks.ParseXml("<div>" + html + "</div>");
            }
            catch (System.Xml.XmlException e)
            {
                Assert.Fail($"input {System.Text.Json.JsonSerializer.Serialize(md)} gave malformed {html}: {e.Message}");
            }
        }
    }
}
