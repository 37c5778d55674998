using System.Text;
using System.Text.RegularExpressions;

namespace NeuralLab.Report;

/// <summary>
/// The small Markdown subset the sections' prose uses, rendered to XHTML-compatible HTML that is safe
/// by construction: every character of the input is escaped, raw HTML never passes through, link
/// targets with a scheme other than http(s)/mailto are dropped (no javascript:), images become their
/// alt text (the page must not fetch anything), and every emitted tag is closed in the same call that
/// opens it, so the output is balanced whatever the input.
/// Blocks: paragraphs, headings, bullet and numbered lists, block quotes, fenced code, pipe tables, rules.
/// Inline: `code`, **strong**, *emphasis*, [links](url), backslash escapes.
/// </summary>
internal static partial class MarkdownToHtml
{
    /// <param name="markdown">Section prose.</param>
    /// <param name="headingOffset">Added to heading levels: the page's sections are h2, so "#" becomes h3 by default.</param>
    public static string Render(string? markdown, int headingOffset = 2)
    {
        if (string.IsNullOrWhiteSpace(markdown)) return "";
        string[] lines = markdown.ReplaceLineEndings("\n").Replace("\t", "    ").Split('\n');
        var html = new StringBuilder();
        RenderBlocks(lines, headingOffset, html);
        return html.ToString();
    }

    static void RenderBlocks(string[] lines, int headingOffset, StringBuilder html)
    {
        int i = 0;
        while (i < lines.Length)
        {
            string line = lines[i];
            if (string.IsNullOrWhiteSpace(line)) { i++; continue; }
            Match m;
            if (Fence().IsMatch(line))
            {
                var code = new List<string>();
                i++;
                while (i < lines.Length && !Fence().IsMatch(lines[i])) code.Add(lines[i++]);
                i++; // the closing fence (or the end)
                html.Append("<pre><code>").Append(Escape(string.Join("\n", code))).Append("</code></pre>\n");
            }
            else if ((m = Heading().Match(line)).Success)
            {
                int level = Math.Clamp(m.Groups[1].Length + headingOffset, 1, 6);
                html.Append($"<h{level}>").Append(Inline(m.Groups[2].Value)).Append($"</h{level}>\n");
                i++;
            }
            else if (Rule().IsMatch(line))
            {
                html.Append("<hr />\n");
                i++;
            }
            else if (IsTableStart(lines, i))
            {
                i = RenderTable(lines, i, html);
            }
            else if (ListItem().IsMatch(line))
            {
                i = RenderList(lines, i, html);
            }
            else if (Quote().IsMatch(line))
            {
                var quoted = new List<string>();
                while (i < lines.Length && Quote().IsMatch(lines[i])) quoted.Add(Quote().Replace(lines[i++], "", 1));
                html.Append("<blockquote>\n");
                RenderBlocks(quoted.ToArray(), headingOffset, html);
                html.Append("</blockquote>\n");
            }
            else
            {
                var paragraph = new List<string>();
                while (i < lines.Length && !string.IsNullOrWhiteSpace(lines[i]) && (paragraph.Count == 0 || !StartsBlock(lines, i)))
                    paragraph.Add(lines[i++].Trim());
                html.Append("<p>").Append(Inline(string.Join("\n", paragraph))).Append("</p>\n");
            }
        }
    }

    static bool StartsBlock(string[] lines, int i) =>
        Fence().IsMatch(lines[i]) || Heading().IsMatch(lines[i]) || Rule().IsMatch(lines[i]) || ListItem().IsMatch(lines[i])
        || Quote().IsMatch(lines[i]) || IsTableStart(lines, i);

    static int RenderList(string[] lines, int i, StringBuilder html)
    {
        var first = ListItem().Match(lines[i]);
        bool ordered = char.IsDigit(first.Groups[1].Value[0]);
        string tag = ordered ? "ol" : "ul";
        string start = "";
        if (ordered && int.TryParse(first.Groups[1].Value.TrimEnd('.', ')'), out int n) && n != 1) start = $" start=\"{n}\"";
        html.Append($"<{tag}{start}>\n");
        var items = new List<List<string>>();
        while (i < lines.Length)
        {
            var m = ListItem().Match(lines[i]);
            if (m.Success && char.IsDigit(m.Groups[1].Value[0]) == ordered)
            {
                items.Add([m.Groups[2].Value.Trim()]);
                i++;
            }
            else if (m.Success || string.IsNullOrWhiteSpace(lines[i]))
            {
                // A blank line continues the list only if another item of the same kind follows it.
                int next = i;
                while (next < lines.Length && string.IsNullOrWhiteSpace(lines[next])) next++;
                if (m.Success || next >= lines.Length) break;
                var after = ListItem().Match(lines[next]);
                if (!after.Success || char.IsDigit(after.Groups[1].Value[0]) != ordered) break;
                i = next;
            }
            else if (!StartsBlock(lines, i))
            {
                items[^1].Add(lines[i++].Trim()); // lazy continuation of the item's text
            }
            else break;
        }
        foreach (var item in items) html.Append("<li>").Append(Inline(string.Join("\n", item))).Append("</li>\n");
        html.Append($"</{tag}>\n");
        return i;
    }

    static bool IsTableStart(string[] lines, int i) =>
        lines[i].TrimStart().StartsWith('|') && i + 1 < lines.Length && TableSeparator().IsMatch(lines[i + 1]);

    static int RenderTable(string[] lines, int i, StringBuilder html)
    {
        var header = Cells(lines[i]);
        var aligns = Cells(lines[i + 1]).Select(c =>
            c.StartsWith(':') && c.EndsWith(':') ? "center" : c.EndsWith(':') ? "right" : c.StartsWith(':') ? "left" : null).ToList();
        string Style(int col) => col < aligns.Count && aligns[col] != null ? $" style=\"text-align: {aligns[col]}\"" : "";
        html.Append("<table class=\"md\">\n<thead><tr>");
        for (int c = 0; c < header.Count; c++) html.Append($"<th{Style(c)}>").Append(Inline(header[c])).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        i += 2;
        while (i < lines.Length && lines[i].TrimStart().StartsWith('|'))
        {
            var cells = Cells(lines[i++]);
            html.Append("<tr>");
            for (int c = 0; c < header.Count; c++) html.Append($"<td{Style(c)}>").Append(c < cells.Count ? Inline(cells[c]) : "").Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
        return i;
    }

    /// <summary>The cells of a pipe-table row; "\|" stays a literal pipe.</summary>
    static List<string> Cells(string row)
    {
        string s = row.Trim();
        if (s.StartsWith('|')) s = s[1..];
        if (s.EndsWith('|') && !s.EndsWith("\\|")) s = s[..^1];
        var cells = new List<string>();
        var cell = new StringBuilder();
        for (int k = 0; k < s.Length; k++)
        {
            if (s[k] == '\\' && k + 1 < s.Length && s[k + 1] == '|') { cell.Append("\\|"); k++; }
            else if (s[k] == '|') { cells.Add(cell.ToString().Trim()); cell.Clear(); }
            else cell.Append(s[k]);
        }
        cells.Add(cell.ToString().Trim());
        return cells;
    }

    /// <summary>Inline Markdown to HTML. Each construct renders its inner text recursively, so tags always nest.</summary>
    public static string Inline(string s)
    {
        var html = new StringBuilder();
        int i = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (c == '\\' && i + 1 < s.Length && !char.IsAsciiLetterOrDigit(s[i + 1]) && s[i + 1] < 128 && !char.IsWhiteSpace(s[i + 1]))
            {
                html.Append(Escape(s[i + 1].ToString()));
                i += 2;
            }
            else if (c == '`')
            {
                int run = 1;
                while (i + run < s.Length && s[i + run] == '`') run++;
                int close = FindBacktickRun(s, i + run, run);
                if (close < 0)
                {
                    html.Append(new string('`', run));
                    i += run;
                    continue;
                }
                string code = s[(i + run)..close].Replace('\n', ' ');
                if (code.Length > 2 && code[0] == ' ' && code[^1] == ' ') code = code[1..^1];
                html.Append("<code>").Append(Escape(code)).Append("</code>");
                i = close + run;
            }
            else if (c == '!' && i + 1 < s.Length && s[i + 1] == '[' && TryLink(s, i + 1, out string alt, out _, out int afterImage))
            {
                // An image would be a network fetch (or a broken picture); the page shows its alt text instead.
                html.Append("<em>").Append(Inline(alt)).Append("</em>");
                i = afterImage;
            }
            else if (c == '[' && TryLink(s, i, out string text, out string url, out int afterLink))
            {
                if (IsSafeUrl(url)) html.Append("<a href=\"").Append(Escape(url)).Append("\">").Append(Inline(text)).Append("</a>");
                else html.Append(Inline(text));
                i = afterLink;
            }
            else if ((c == '*' || c == '_') && TryDelimited(s, i, out int width, out int close))
            {
                string tag = width == 2 ? "strong" : "em";
                html.Append($"<{tag}>").Append(Inline(s[(i + width)..close])).Append($"</{tag}>");
                i = close + width;
            }
            else
            {
                html.Append(Escape(c.ToString()));
                i++;
            }
        }
        return html.ToString();
    }

    static int FindBacktickRun(string s, int from, int run)
    {
        for (int k = from; k < s.Length; k++)
        {
            if (s[k] != '`') continue;
            int len = 1;
            while (k + len < s.Length && s[k + len] == '`') len++;
            if (len == run) return k;
            k += len - 1;
        }
        return -1;
    }

    /// <summary>**strong** or *emphasis* (also with _): the opening must not follow a letter or digit and must be followed
    /// by a non-space; the closing must follow a non-space and not precede a letter or digit — so 2*x*y and snake_case stay text.</summary>
    static bool TryDelimited(string s, int i, out int width, out int close)
    {
        char d = s[i];
        width = i + 1 < s.Length && s[i + 1] == d ? 2 : 1;
        close = -1;
        if (i > 0 && char.IsLetterOrDigit(s[i - 1])) return false;
        int open = i + width;
        if (open >= s.Length || char.IsWhiteSpace(s[open]) || s[open] == d) return false;
        for (int k = open + 1; k + width <= s.Length; k++)
        {
            if (s[k] != d) continue;
            if (width == 2 && (k + 1 >= s.Length || s[k + 1] != d)) continue;
            if (width == 1 && k + 1 < s.Length && s[k + 1] == d) { k++; continue; }
            if (char.IsWhiteSpace(s[k - 1])) continue;
            int after = k + width;
            if (after < s.Length && char.IsLetterOrDigit(s[after])) continue;
            close = k;
            return true;
        }
        return false;
    }

    /// <summary>[text](url) starting at the '[' at <paramref name="i"/>; brackets and parentheses may nest.</summary>
    static bool TryLink(string s, int i, out string text, out string url, out int end)
    {
        text = url = "";
        end = i;
        int depth = 0, k = i;
        for (; k < s.Length; k++)
        {
            if (s[k] == '\\') { k++; continue; }
            if (s[k] == '[') depth++;
            else if (s[k] == ']' && --depth == 0) break;
        }
        if (k >= s.Length || k + 1 >= s.Length || s[k + 1] != '(') return false;
        int textEnd = k;
        depth = 0;
        int j = k + 1;
        for (; j < s.Length; j++)
        {
            if (s[j] == '(') depth++;
            else if (s[j] == ')' && --depth == 0) break;
        }
        if (j >= s.Length) return false;
        text = s[(i + 1)..textEnd];
        string target = s[(k + 2)..j].Trim();
        url = target.Split([' ', '\n'], 2)[0].Trim('<', '>'); // a title after the URL is dropped
        end = j + 1;
        return true;
    }

    /// <summary>Links may go to the web, to mail, to an anchor on the page, or to a relative path — never to a script.</summary>
    static bool IsSafeUrl(string url)
    {
        if (url.Length == 0) return false;
        int colon = url.IndexOf(':');
        int boundary = url.IndexOfAny(['/', '?', '#']);
        bool hasScheme = colon >= 0 && (boundary < 0 || colon < boundary);
        if (!hasScheme) return true;
        string scheme = url[..colon].ToLowerInvariant();
        return scheme is "http" or "https" or "mailto";
    }

    /// <summary>Escapes text for HTML element content and double- or single-quoted attributes (also valid XML).</summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                // Control characters are not allowed in XML (and mean nothing on a page).
                case < ' ' when c != '\n' && c != '\r' && c != '\t': sb.Append('\uFFFD'); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }

    [GeneratedRegex(@"^\s{0,3}(```|~~~)")]
    private static partial Regex Fence();

    [GeneratedRegex(@"^\s{0,3}(#{1,6})\s+(.*?)(\s+#+)?\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\s{0,3}([-*_])(\s*\1){2,}\s*$")]
    private static partial Regex Rule();

    [GeneratedRegex(@"^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"^\s{0,3}>\s?")]
    private static partial Regex Quote();

    [GeneratedRegex(@"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")]
    private static partial Regex TableSeparator();
}
