#include "tests/lab/openssl_ca.hpp"

#include <filesystem>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace connspec::lab {
namespace {

void must(const std::vector<std::string>& argv)
{
    CommandResult r = run(argv, milliseconds{60000});
    if (r.exit_code != 0) {
        std::string line;
        for (const auto& a : argv) line += a + " ";
        throw std::runtime_error("failed: " + line + "\n" + r.out + r.err);
    }
}

std::vector<std::string> key_args(const std::string& key)
{
    if (key == "ec") return {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"};
    return {"-newkey", key};
}

// Is something listening on TCP `port` (any address)? Read from /proc/net/tcp{,6}, without
// connecting: `openssl ocsp` serves one connection at a time and spins on one that closed
// without a request, so a readiness connect would block it for good.
bool listening(int port)
{
    char wanted[8];
    std::snprintf(wanted, sizeof wanted, ":%04X", port);
    for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
        std::ifstream in(table);
        std::string line;
        while (std::getline(in, line)) {
            std::istringstream fields(line);
            std::string slot, local, remote, state;
            fields >> slot >> local >> remote >> state;
            if (state == "0A" && local.size() > 5 && local.substr(local.size() - 5) == wanted)
                return true;
        }
    }
    return false;
}

}  // namespace

OpensslCa::OpensslCa(const std::string& folder, const std::string& name, CaUrls urls)
    : dir_(folder + "/" + name), name_(name), urls_(std::move(urls))
{
    write_config();
    std::vector<std::string> argv{"openssl", "req", "-x509", "-config", config_, "-extensions",
                                  "root_ext", "-nodes", "-days", "3650", "-subj", "/CN=" + name,
                                  "-keyout", key_, "-out", cert_};
    auto key = key_args("ec");
    argv.insert(argv.begin() + 3, key.begin(), key.end());
    must(argv);
}

OpensslCa::OpensslCa(const std::string& folder, const std::string& name, CaUrls urls,
                     OpensslCa& parent, IssueOptions options)
    : dir_(folder + "/" + name), name_(name), urls_(std::move(urls))
{
    write_config();
    options.ca = true;
    Issued issued = parent.issue(name, options);
    std::filesystem::copy_file(issued.cert, cert_);
    std::filesystem::copy_file(issued.key, key_);
}

void OpensslCa::write_config()
{
    std::filesystem::create_directories(dir_ + "/newcerts");
    config_ = dir_ + "/ca.cnf";
    cert_ = dir_ + "/ca.crt";
    key_ = dir_ + "/ca.key";
    std::ofstream(dir_ + "/index.txt");
    std::ofstream(dir_ + "/serial") << "1000\n";
    std::ofstream(dir_ + "/crlnumber") << "1000\n";
    std::string issued_urls;
    if (!urls_.ocsp.empty()) issued_urls += "authorityInfoAccess = OCSP;URI:" + urls_.ocsp + "\n";
    if (!urls_.crl.empty()) issued_urls += "crlDistributionPoints = URI:" + urls_.crl + "\n";
    std::ofstream config(config_);
    config << "[ ca ]\ndefault_ca = this_ca\n"
           << "[ this_ca ]\ndir = " << dir_ << "\n"
           << "database = $dir/index.txt\nnew_certs_dir = $dir/newcerts\nserial = $dir/serial\n"
           << "crlnumber = $dir/crlnumber\ncertificate = $dir/ca.crt\nprivate_key = $dir/ca.key\n"
           << "default_md = sha256\ndefault_days = 365\ndefault_crl_days = 1\n"
           << "policy = any_name\nunique_subject = no\nemail_in_dn = no\n"
           << "[ any_name ]\ncommonName = supplied\n"
           << "[ req ]\ndistinguished_name = dn\nprompt = no\n[ dn ]\nCN = unused\n"
           << "[ root_ext ]\nbasicConstraints = critical,CA:TRUE\n"
           << "keyUsage = critical,keyCertSign,cRLSign,digitalSignature\n"
           << "subjectKeyIdentifier = hash\n"
           << "[ server_ext ]\nbasicConstraints = critical,CA:FALSE\n"
           << "keyUsage = critical,digitalSignature,keyEncipherment\n"
           << "extendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost,IP:127.0.0.1\n"
           << "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n"
           << issued_urls
           << "[ ca_ext ]\nbasicConstraints = critical,CA:TRUE\n"
           << "keyUsage = critical,keyCertSign,cRLSign,digitalSignature\n"
           << "subjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n"
           << issued_urls
           << "[ crl_ext ]\nauthorityKeyIdentifier = keyid\n";
    if (!config) throw std::runtime_error("cannot write " + config_);
}

OpensslCa::Issued OpensslCa::issue(const std::string& name, IssueOptions options)
{
    Issued issued{dir_ + "/" + name + ".crt", dir_ + "/" + name + ".key"};
    std::string csr = dir_ + "/" + name + ".csr";
    std::vector<std::string> request{"openssl", "req", "-new", "-config", config_, "-nodes",
                                     "-subj", "/CN=" + name, "-keyout", issued.key, "-out", csr};
    auto key = key_args(options.key);
    request.insert(request.begin() + 3, key.begin(), key.end());
    must(request);
    must({"openssl", "ca", "-batch", "-config", config_, "-extensions",
          options.ca ? "ca_ext" : "server_ext", "-md", options.digest, "-notext", "-in", csr,
          "-out", issued.cert});
    return issued;
}

void OpensslCa::revoke(const std::string& cert_path)
{
    must({"openssl", "ca", "-config", config_, "-revoke", cert_path, "-crl_reason",
          "keyCompromise"});
}

void OpensslCa::write_crl(const std::string& path)
{
    std::string pem = dir_ + "/crl.pem";
    must({"openssl", "ca", "-config", config_, "-gencrl", "-crlexts", "crl_ext", "-out", pem});
    must({"openssl", "crl", "-in", pem, "-outform", "DER", "-out", path});
}

void OpensslCa::write_ocsp_response(const std::string& cert_path, const std::string& path)
{
    must({"openssl", "ocsp", "-index", dir_ + "/index.txt", "-rsigner", cert_, "-rkey", key_,
          "-CA", cert_, "-issuer", cert_, "-cert", cert_path, "-ndays", "1", "-respout", path});
}

OcspResponder::OcspResponder(const OpensslCa& ca, int port) : port_(port)
{
    Process::Options options;
    options.output_file = ca.dir() + "/ocsp.log";
    process_ = std::make_unique<Process>(
        std::vector<std::string>{"openssl", "ocsp", "-index", ca.dir() + "/index.txt", "-port",
                                 std::to_string(port), "-rsigner", ca.cert(), "-rkey", ca.key(),
                                 "-CA", ca.cert(), "-ndays", "1", "-ignore_err"},
        options);
    if (!wait_until([port] { return listening(port); }, milliseconds{10000}))
        throw std::runtime_error("openssl ocsp did not listen on port " + std::to_string(port));
}

HttpFileServer::HttpFileServer(const std::string& folder, int port) : port_(port)
{
    process_ = std::make_unique<Process>(std::vector<std::string>{
        "python3", "-m", "http.server", std::to_string(port), "--bind", "127.0.0.1",
        "--directory", folder});
    if (!wait_for_port("127.0.0.1", port, milliseconds{10000}))
        throw std::runtime_error("python3 -m http.server did not listen on port "
                                 + std::to_string(port));
}

}  // namespace connspec::lab
