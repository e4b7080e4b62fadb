/* Command-line options: getopt_long, each value checked, errors name the value and the limit. */
#define _GNU_SOURCE /* strptime */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

enum {
    OPT_FORMAT = 256,
    OPT_MIN_SEVERITY,
    OPT_FAIL_ON,
    OPT_CA_FILE,
    OPT_CA_PATH,
    OPT_NO_SYSTEM_CA,
    OPT_POLICY,
    OPT_NOW,
    OPT_FILTER,
    OPT_DURATION,
    OPT_JOBS,
    OPT_SINGLE_THREAD,
    OPT_STEPS,
    OPT_DUMP,
    OPT_MAX_FLOWS,
    OPT_KEYLOG,
    OPT_RSA_KEY,
    OPT_KEY_PASSWORD,
    OPT_PSK,
    OPT_VERSION,
};

static const struct option long_opts[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"min-severity", required_argument, NULL, OPT_MIN_SEVERITY},
    {"fail-on", required_argument, NULL, OPT_FAIL_ON},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"ca-path", required_argument, NULL, OPT_CA_PATH},
    {"no-system-ca", no_argument, NULL, OPT_NO_SYSTEM_CA},
    {"policy", required_argument, NULL, OPT_POLICY},
    {"now", required_argument, NULL, OPT_NOW},
    {"filter", required_argument, NULL, OPT_FILTER},
    {"interface", required_argument, NULL, 'i'},
    {"duration", required_argument, NULL, OPT_DURATION},
    {"jobs", required_argument, NULL, OPT_JOBS},
    {"single-thread", no_argument, NULL, OPT_SINGLE_THREAD},
    {"steps", no_argument, NULL, OPT_STEPS},
    {"dump", no_argument, NULL, OPT_DUMP},
    {"quiet", no_argument, NULL, 'q'},
    {"output", required_argument, NULL, 'o'},
    {"max-flows", required_argument, NULL, OPT_MAX_FLOWS},
    {"keylog", required_argument, NULL, OPT_KEYLOG},
    {"rsa-key", required_argument, NULL, OPT_RSA_KEY},
    {"key-password", required_argument, NULL, OPT_KEY_PASSWORD},
    {"psk", required_argument, NULL, OPT_PSK},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static void usage(FILE *f) {
    fprintf(f,
            "Usage: tlsaudit [OPTIONS] PATH...\n"
            "       tlsaudit [OPTIONS] -i IFACE [--duration SEC]\n"
            "Passive TLS handshake analyzer: reads pcap/pcapng captures (files, folders searched\n"
            "recursively in sorted order for *.pcap, *.pcapng, *.cap; '-' = standard input),\n"
            "rebuilds every TLS handshake, names its steps and reports findings.\n"
            "\n"
            "Output:\n"
            "  --format FMT         text (default, grouped by server), jsonl (one connection\n"
            "                       per line), json (one document), csv (one row per finding)\n"
            "  --steps              text: draw each handshake as a client/server ladder\n"
            "  --dump               print every handshake message as it is decoded, with frame\n"
            "                       numbers, then alerts and record counts per connection\n"
            "  --min-severity SEV   hide findings below SEV (info, low, medium, high, critical)\n"
            "  -o, --output FILE    write the report to FILE instead of standard output\n"
            "  -q, --quiet          no progress display and no summary line\n"
            "\n"
            "Audit:\n"
            "  --fail-on SEV        exit 1 when any finding is at or above SEV (all findings\n"
            "                       count, also those hidden by --min-severity)\n"
            "  --ca-file FILE       trusted root certificates (PEM bundle)\n"
            "  --ca-path DIR        trusted roots in a hashed directory (c_rehash)\n"
            "  --no-system-ca       do not trust the system's certificate store\n"
            "  --policy NAME|FILE   cipher policy: modern, intermediate (default), old, or a file\n"
            "  --now TIME           judge certificate dates at TIME (RFC 3339, e.g.\n"
            "                       2025-01-31T12:00:00Z, or @EPOCH) instead of capture time\n"
            "\n"
            "Keys (decrypt the handshake, never application data; check Finished):\n"
            "  --keylog FILE        NSS key log (SSLKEYLOGFILE format): TLS 1.3 secrets and\n"
            "                       CLIENT_RANDOM master secrets; bad lines are reported\n"
            "  --rsa-key FILE       the server's RSA private key (PEM, PKCS#1 or PKCS#8, DER,\n"
            "                       or PKCS#12) for RSA key exchange\n"
            "  --key-password PW    password of an encrypted --rsa-key (PEM or PKCS#12)\n"
            "  --psk HEX            pre-shared key (up to 64 bytes, hex) for plain PSK suites\n"
            "                       pcapng Decryption Secrets Blocks in an input are used for\n"
            "                       that input without any option; --keylog implies --jobs 1\n"
            "\n"
            "Input:\n"
            "  --filter BPF         only packets matching this capture filter (pcap-filter(7))\n"
            "  -i, --interface IF   capture live from interface IF (needs privileges)\n"
            "  --duration SEC       stop a live capture after SEC seconds (default: Ctrl-C)\n"
            "  --jobs N             analyse up to N files in parallel (1..64, default 1);\n"
            "                       the output order is the input order\n"
            "  --single-thread      one thread only (by default, when one file is read at a\n"
            "                       time, libpcap reads the file on one thread, the engine\n"
            "                       runs on another, a third audits and renders; the output\n"
            "                       is the same)\n"
            "  --max-flows N        live TCP flows kept at once (default 65536); the oldest\n"
            "                       is finished early when exceeded\n"
            "\n"
            "  --version            print the version and exit\n"
            "  -h, --help           print this help and exit\n"
            "\n"
            "Exit status:\n"
            "  0  success (no finding at or above --fail-on, or no --fail-on)\n"
            "  1  a finding at or above --fail-on\n"
            "  2  usage error (bad option or value, unusable --ca-file/--policy)\n"
            "  3  an input could not be read, was damaged or truncated (everything decoded\n"
            "     before the damage is still reported), or the output could not be written;\n"
            "     3 wins over 1\n"
            "\n"
            "Examples:\n"
            "  tlsaudit capture.pcapng\n"
            "  tlsaudit --steps capture.pcap\n"
            "  tlsaudit --format jsonl captures/ > conns.jsonl\n"
            "  tlsaudit --format csv --min-severity medium dir/\n"
            "  tlsaudit --fail-on high --ca-file corp-ca.pem --jobs 2 staging/\n"
            "  tcpdump -w - -U port 443 | tlsaudit -\n"
            "  tlsaudit -i eth0 --duration 60 --filter 'tcp port 443'\n"
            "  tlsaudit --keylog sslkeys.log --format jsonl tls13.pcapng\n");
}

static int bad(const char *fmt, const char *a, const char *b) {
    char ea[512], eb[512];
    fprintf(stderr, "tlsaudit: ");
    fprintf(stderr, fmt, a ? cli_esc(a, ea, sizeof ea) : a, b ? cli_esc(b, eb, sizeof eb) : b);
    fprintf(stderr, "\ntlsaudit: try 'tlsaudit --help' for more information\n");
    return CLI_EXIT_USAGE;
}

static bool parse_u32(const char *s, unsigned long min, unsigned long max, uint32_t *out) {
    char *end;
    errno = 0;
    if (!s[0] || s[0] == '-' || s[0] == '+')
        return false;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || *end || v < min || v > max)
        return false;
    *out = (uint32_t)v;
    return true;
}

/* An even number of hex digits, 1 to cap bytes. */
static bool parse_hex(const char *s, uint8_t *out, size_t cap, size_t *n) {
    size_t len = strlen(s);
    if (len == 0 || len % 2 || len / 2 > cap)
        return false;
    for (size_t i = 0; i < len; i += 2) {
        int v = 0;
        for (int k = 0; k < 2; k++) {
            char ch = s[i + (size_t)k];
            int d = ch >= '0' && ch <= '9'   ? ch - '0'
                    : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                    : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                             : -1;
            if (d < 0)
                return false;
            v = v * 16 + d;
        }
        out[i / 2] = (uint8_t)v;
    }
    *n = len / 2;
    return true;
}

static int severity_arg(const char *opt, const char *v, int *out) {
    int s = tlsa_severity_lookup(v);
    if (s < 0)
        return bad("%s '%s' is not a severity: use info, low, medium, high or critical", opt, v);
    *out = s;
    return -1;
}

/* RFC 3339 ("2025-01-31T12:00:00Z", "...+02:00", fractional seconds ignored) or "@EPOCH". */
static bool parse_time(const char *s, int64_t *out) {
    if (s[0] == '@') {
        char *end;
        errno = 0;
        long long v = strtoll(s + 1, &end, 10);
        if (errno || end == s + 1 || *end)
            return false;
        *out = v;
        return true;
    }
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
    if (!p)
        p = strptime(s, "%Y-%m-%d %H:%M:%S", &tm);
    if (!p)
        return false;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int hh = (p[1] - '0') * 10 + (p[2] - '0'), mm = (p[4] - '0') * 10 + (p[5] - '0');
        if (hh > 23 || mm > 59)
            return false;
        off = (hh * 60L + mm) * 60L * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p)
        return false;
    *out = (int64_t)timegm(&tm) - off;
    return true;
}

int cli_parse_options(int argc, char **argv, cli_opts *o) {
    memset(o, 0, sizeof *o);
    o->fail_on = -1;
    o->jobs = 1;
    int c, r;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hqi:o:", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_FORMAT:
            if (!strcmp(optarg, "text"))
                o->format = CLI_FMT_TEXT;
            else if (!strcmp(optarg, "jsonl"))
                o->format = CLI_FMT_JSONL;
            else if (!strcmp(optarg, "json"))
                o->format = CLI_FMT_JSON;
            else if (!strcmp(optarg, "csv"))
                o->format = CLI_FMT_CSV;
            else
                return bad("--format '%s' is not a format: use text, jsonl, json or csv%s", optarg,
                           "");
            break;
        case OPT_MIN_SEVERITY:
            if ((r = severity_arg("--min-severity", optarg, &o->min_severity)) >= 0)
                return r;
            break;
        case OPT_FAIL_ON:
            if ((r = severity_arg("--fail-on", optarg, &o->fail_on)) >= 0)
                return r;
            break;
        case OPT_CA_FILE:
            o->audit.ca_file = optarg;
            break;
        case OPT_CA_PATH:
            o->audit.ca_path = optarg;
            break;
        case OPT_NO_SYSTEM_CA:
            o->audit.no_system_store = true;
            break;
        case OPT_POLICY:
            o->audit.policy = optarg;
            break;
        case OPT_NOW:
            if (!parse_time(optarg, &o->audit.now))
                return bad("--now '%s' is not a time: use RFC 3339 like 2025-01-31T12:00:00Z or "
                           "@EPOCH seconds%s",
                           optarg, "");
            o->audit.has_now = true;
            break;
        case OPT_FILTER:
            o->filter = optarg;
            break;
        case 'i':
            o->iface = optarg;
            break;
        case OPT_DURATION:
            if (!parse_u32(optarg, 1, 31536000, &o->duration))
                return bad("--duration '%s' is not a number of seconds between 1 and %s", optarg,
                           "31536000");
            break;
        case OPT_JOBS: {
            uint32_t j;
            if (!parse_u32(optarg, 1, 64, &j))
                return bad("--jobs '%s' is not a number between 1 and %s", optarg, "64");
            o->jobs = j;
            break;
        }
        case OPT_SINGLE_THREAD:
            o->single_thread = true;
            break;
        case OPT_STEPS:
            o->steps = true;
            break;
        case OPT_DUMP:
            o->dump = true;
            break;
        case 'q':
            o->quiet = true;
            break;
        case 'o':
            o->output = optarg;
            break;
        case OPT_MAX_FLOWS:
            if (!parse_u32(optarg, 1, 16777216, &o->max_flows))
                return bad("--max-flows '%s' is not a number between 1 and %s", optarg, "16777216");
            break;
        case OPT_KEYLOG:
            o->keylog_file = optarg;
            break;
        case OPT_KEY_PASSWORD:
            o->key_password = optarg;
            break;
        case OPT_RSA_KEY:
            o->rsa_key_file = optarg;
            break;
        case OPT_PSK:
            if (!parse_hex(optarg, o->psk, sizeof o->psk, &o->psk_len))
                return bad("--psk '%s' is not a key: use 1 to %s bytes as hex digits", optarg,
                           "64");
            break;
        case OPT_VERSION:
            printf("tlsaudit %s (libtlsaudit %s)\n", TLSA_VERSION_STRING, tlsa_version());
            return CLI_EXIT_OK;
        case 'h':
            usage(stdout);
            return CLI_EXIT_OK;
        case ':':
            return bad("option '%s' needs a value%s", argv[optind - 1], "");
        case '?':
        default:
            return bad("unknown option '%s'%s", argv[optind - 1], "");
        }
    }
    o->paths = argv + optind;
    o->n_paths = argc - optind;
    if (o->iface && o->n_paths > 0)
        return bad("-i %s reads a live interface; it cannot be combined with files (%s)", o->iface,
                   o->paths[0]);
    if (!o->iface && o->n_paths == 0)
        return bad("no input given: name capture files, folders, '-' for standard input%s%s",
                   ", or -i IFACE", "");
    if (o->duration && !o->iface)
        return bad("--duration only applies to a live capture (-i IFACE)%s%s", "", "");
    int n_stdin = 0;
    for (int i = 0; i < o->n_paths; i++)
        n_stdin += !strcmp(o->paths[i], "-");
    if (n_stdin > 1)
        return bad("'-' (standard input) is given %s times; it can be read only once%s",
                   n_stdin == 2 ? "2" : "several", "");
    return -1;
}
