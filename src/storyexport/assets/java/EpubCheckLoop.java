// SPDX-License-Identifier: AGPL-3.0-or-later
// EPUBCheck kept in one JVM for many books: report/epubcheck_door.py runs the class compiled from this
// file (tools/compile_java.py) beside EPUBCheck's jar. It reads one book's path a line on standard
// input, runs EPUBCheck's own command-line entry on it ("-q --json -"), and answers on standard output
// "ok STATUS LENGTH" (EPUBCheck's exit status, the JSON report's length in bytes) and the report, or
// "error MESSAGE" on one line. It ends when standard input ends.
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

public class EpubCheckLoop {
    public static void main(String[] args) throws Exception {
        PrintStream answers = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String book;
        while ((book = requests.readLine()) != null) {
            ByteArrayOutputStream report = new ByteArrayOutputStream();
            System.setOut(new PrintStream(report, true, StandardCharsets.UTF_8));
            try {
                int status = new EpubChecker().run(new String[] {book, "-q", "--json", "-"});
                System.out.flush();
                answers.print("ok " + status + " " + report.size() + "\n");
                report.writeTo(answers);
            } catch (Throwable failure) {
                answers.print("error " + String.valueOf(failure).replaceAll("\\s+", " ") + "\n");
            } finally {
                System.setOut(System.err);
            }
            answers.flush();
        }
    }
}
