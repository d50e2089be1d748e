package dev.longscan.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java block of README.md and docs/*.md is a verbatim copy of compiled code: the block
 * follows a line {@code <!-- snippet: NAME -->}, and its text equals the region NAME of the test
 * sources of core and spark — the lines between {@code // doc-snippet: NAME} and {@code //
 * end-doc-snippet}, without their common indentation; several regions of one name (an import
 * region and a body region, say) are joined by a blank line, in the order of their files and
 * lines. A region no document shows is an error too (a snippet removed from the docs).
 */
class DocSnippetsTest {
  static final String BEGIN = "// doc-snippet:";
  static final String END = "// end-doc-snippet";
  static final String MARK_BEGIN = "<!-- snippet:";
  static final String MARK_END = "-->";

  /** The repository root (the tests run in a module's directory). */
  private static Path root() {
    Path r = Path.of("").toAbsolutePath().getParent();
    assertTrue(Files.isRegularFile(r.resolve("README.md")) && Files.isDirectory(r.resolve("docs")),
        "expected the repository root at " + r + " (README.md and docs/), found neither");
    return r;
  }

  /** A Java block of a document: the snippet it names, its text, where it starts. */
  record Block(String name, String text, String where) {}

  /**
   * The Java blocks of one document. A block without a marker, a marker not followed by a Java
   * block, or a block that is not closed is an error naming the line.
   */
  static List<Block> blocks(String doc, String file) {
    List<Block> out = new ArrayList<>();
    String[] lines = doc.split("\n", -1);
    String pending = null;
    int pendingLine = 0;
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.startsWith(MARK_BEGIN)) {
        if (!line.endsWith(MARK_END)) {
          throw new AssertionError(file + ":" + (i + 1) + ": expected " + MARK_BEGIN + " NAME "
              + MARK_END + ", found '" + line + "'");
        }
        pending = line.substring(MARK_BEGIN.length(), line.length() - MARK_END.length()).strip();
        pendingLine = i + 1;
      } else if (line.startsWith("```")) {
        boolean java = line.equals("```java");
        if (java && pending == null) {
          throw new AssertionError(file + ":" + (i + 1) + ": a Java block without a "
              + MARK_BEGIN + " NAME " + MARK_END + " line before it");
        }
        if (!java && pending != null) {
          throw new AssertionError(file + ":" + pendingLine + ": the snippet marker '" + pending
              + "' is followed by a block that is not ```java");
        }
        int start = i + 1;
        int end = start;
        while (end < lines.length && !lines[end].strip().equals("```")) {
          end++;
        }
        if (end == lines.length) {
          throw new AssertionError(file + ":" + (i + 1) + ": a block that is never closed");
        }
        if (java) {
          out.add(new Block(pending, String.join("\n", List.of(lines).subList(start, end)),
              file + ":" + (i + 1)));
        }
        pending = null;
        i = end;
      } else if (pending != null && !line.isEmpty()) {
        throw new AssertionError(file + ":" + pendingLine + ": the snippet marker '" + pending
            + "' is followed by text, not by a ```java block");
      }
    }
    if (pending != null) {
      throw new AssertionError(file + ":" + pendingLine + ": the snippet marker '" + pending
          + "' is followed by no block");
    }
    return out;
  }

  /** The regions of one source file, in order: name → text (common indentation removed). */
  static List<Map.Entry<String, String>> regions(String source, String file) {
    List<Map.Entry<String, String>> out = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.equals(END)) {
        throw new AssertionError(file + ":" + (i + 1) + ": " + END + " without " + BEGIN);
      }
      if (!line.startsWith(BEGIN)) {
        continue;
      }
      String name = line.substring(BEGIN.length()).strip();
      if (name.isEmpty()) {
        throw new AssertionError(file + ":" + (i + 1) + ": expected a name after " + BEGIN);
      }
      int end = i + 1;
      while (end < lines.length && !lines[end].strip().equals(END)) {
        if (lines[end].strip().startsWith(BEGIN)) {
          throw new AssertionError(file + ":" + (end + 1) + ": a region inside region '" + name
              + "' (opened at line " + (i + 1) + ")");
        }
        end++;
      }
      if (end == lines.length) {
        throw new AssertionError(file + ":" + (i + 1) + ": region '" + name + "' is never closed"
            + " by " + END);
      }
      out.add(Map.entry(name, dedent(List.of(lines).subList(i + 1, end))));
      i = end;
    }
    return out;
  }

  static String dedent(List<String> lines) {
    int indent = Integer.MAX_VALUE;
    for (String l : lines) {
      if (!l.isBlank()) {
        indent = Math.min(indent, l.length() - l.stripLeading().length());
      }
    }
    int cut = indent == Integer.MAX_VALUE ? 0 : indent;
    return lines.stream().map(l -> l.isBlank() ? "" : l.substring(cut).stripTrailing())
        .collect(Collectors.joining("\n"));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8).replace("\r", "");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> files(Path dir, String suffix) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void everyJavaBlockOfTheDocsIsAVerbatimCopyOfCompiledCode() {
    Path root = root();
    Map<String, String> snippets = new LinkedHashMap<>();
    for (String module : new String[] {"core", "spark"}) {
      for (Path p : files(root.resolve(module).resolve("src/test/java"), ".java")) {
        for (Map.Entry<String, String> r : regions(read(p), root.relativize(p).toString())) {
          snippets.merge(r.getKey(), r.getValue(), (x, y) -> x + "\n\n" + y);
        }
      }
    }
    List<Path> docs = new ArrayList<>(List.of(root.resolve("README.md")));
    docs.addAll(files(root.resolve("docs"), ".md"));
    TreeSet<String> shown = new TreeSet<>();
    int count = 0;
    for (Path d : docs) {
      for (Block b : blocks(read(d), root.relativize(d).toString())) {
        count++;
        String want = snippets.get(b.name());
        assertTrue(want != null, b.where() + ": no region '" + b.name() + "' in the test sources"
            + " of core or spark (// doc-snippet: " + b.name() + ")");
        assertEquals(want, b.text(), b.where() + ": the block differs from region '" + b.name()
            + "'; copy the region into the document");
        shown.add(b.name());
      }
    }
    assertTrue(count > 0, "expected Java blocks in README.md and docs/, found none");
    TreeSet<String> unused = new TreeSet<>(snippets.keySet());
    unused.removeAll(shown);
    assertTrue(unused.isEmpty(), "regions no document shows: " + unused);
  }

  // ---- the parsers themselves

  @Test
  void aBlockIsMatchedWithItsMarkerAndUnmarkedOrDanglingBlocksAreErrors() {
    String doc = "text\n<!-- snippet: one -->\n```java\nint x = 1;\n  x++;\n```\n```\nshell\n```\n";
    List<Block> b = blocks(doc, "d.md");
    assertEquals(1, b.size());
    assertEquals("one", b.get(0).name());
    assertEquals("int x = 1;\n  x++;", b.get(0).text());
    assertEquals("d.md:3", b.get(0).where());
    AssertionError e = assertThrows(AssertionError.class,
        () -> blocks("a\n\n```java\nint y;\n```\n", "e.md"));
    assertTrue(e.getMessage().startsWith("e.md:3: a Java block without"), e.getMessage());
    e = assertThrows(AssertionError.class,
        () -> blocks("<!-- snippet: two -->\nprose\n```java\nint y;\n```\n", "f.md"));
    assertTrue(e.getMessage().contains("followed by text"), e.getMessage());
    e = assertThrows(AssertionError.class, () -> blocks("<!-- snippet: z -->\n```java\nx\n", "g"));
    assertTrue(e.getMessage().contains("never closed"), e.getMessage());
  }

  @Test
  void regionsAreDedentedAndUnclosedOrNestedRegionsAreErrors() {
    String src = "class A {\n  void f() {\n    // doc-snippet: r\n    int x = 1;\n\n"
        + "      x++;\n    // end-doc-snippet\n  }\n}\n";
    List<Map.Entry<String, String>> r = regions(src, "A.java");
    assertEquals(List.of(Map.entry("r", "int x = 1;\n\n  x++;")), r);
    AssertionError e = assertThrows(AssertionError.class,
        () -> regions("// doc-snippet: q\nint x;\n", "B.java"));
    assertTrue(e.getMessage().contains("never closed"), e.getMessage());
    e = assertThrows(AssertionError.class,
        () -> regions("// doc-snippet: q\n// doc-snippet: p\n// end-doc-snippet\n", "C.java"));
    assertTrue(e.getMessage().startsWith("C.java:2: a region inside"), e.getMessage());
    e = assertThrows(AssertionError.class, () -> regions("x\n// end-doc-snippet\n", "D.java"));
    assertTrue(e.getMessage().startsWith("D.java:2:"), e.getMessage());
  }
}
