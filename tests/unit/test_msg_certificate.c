/* Certificate parser: the TLS 1.2 chain of tls12-dsb.pcapng (frame 3) and the TLS 1.3
 * Certificate of tls13-rfc8446.pcap (frame 2, decrypted with its key log), the max_certs limit,
 * and one malformed variant per error code. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "msg.h"

/* 2740 bytes */
static const char CERT_TLS12[] = "000ab10005f6308205f2308204daa00302010202100e64c5fbc236ade14b172ae"
                                 "b41c78cb0300d06092a864886f70d01"
                                 "010b05003070310b300906035504061302555331153013060355040a130c44696"
                                 "7694365727420496e63311930170603"
                                 "55040b13107777772e64696769636572742e636f6d312f302d060355040313264"
                                 "4696769436572742053484132204869"
                                 "6768204173737572616e636520536572766572204341301e170d3135313130333"
                                 "030303030305a170d31383131323831"
                                 "32303030305a3081a5310b3009060355040613025553311330110603550408130"
                                 "a43616c69666f726e69613114301206"
                                 "03550407130b4c6f7320416e67656c6573313c303a060355040a1333496e74657"
                                 "26e657420436f72706f726174696f6e"
                                 "20666f722041737369676e6564204e616d657320616e64204e756d62657273311"
                                 "33011060355040b130a546563686e6f"
                                 "6c6f6779311830160603550403130f7777772e6578616d706c652e6f726730820"
                                 "122300d06092a864886f70d01010105"
                                 "000382010f003082010a0282010100b340962f61633e25c197ad6545fbef1342b"
                                 "32c9986f4b5800b76dc06382c1fa362"
                                 "555a3676deae5dfce2e5b4e6ec5dcaeecadf5016242ceefc9ab68cf6a8b3ac7a0"
                                 "87b2a1fad5fe7fa965925ab90b0f8c2"
                                 "3f13042674680fc6782a958a5f42f20eed52a6eb682389e543f86d121b62427ba"
                                 "805f359c45ed6c5cc46c04b19b92d4a"
                                 "7172241e5e554493ab78a1474da5dc075a9c67f41168122fd32871bcad72053c1"
                                 "675d4f87258ba19f1dc09edf118c692"
                                 "2f7dbc160b378d8aef1b6f4fb9e07a5498bfb5b6cfbbaa937f0a7f1f56eba9d8e"
                                 "1dbd539d8185bd1f26433d0d6c423ff"
                                 "09ab6d71cedacfc1179c23be2caf2f921c3f90088958f2b1e1106f832ef79f020"
                                 "3010001a38202503082024c301f0603"
                                 "551d230418301680145168ff90af0207753cccd9656462a212b859723b301d060"
                                 "3551d0e04160414a64f601e1f2dd1e7"
                                 "f123a02a9516e4e89aea6e483081810603551d11047a3078820f7777772e65786"
                                 "16d706c652e6f7267820b6578616d70"
                                 "6c652e636f6d820b6578616d706c652e656475820b6578616d706c652e6e65748"
                                 "20b6578616d706c652e6f7267820f77"
                                 "77772e6578616d706c652e636f6d820f7777772e6578616d706c652e656475820"
                                 "f7777772e6578616d706c652e6e6574"
                                 "300e0603551d0f0101ff0404030205a0301d0603551d250416301406082b06010"
                                 "50507030106082b0601050507030230"
                                 "750603551d1f046e306c3034a032a030862e687474703a2f2f63726c332e64696"
                                 "769636572742e636f6d2f736861322d"
                                 "68612d7365727665722d67342e63726c3034a032a030862e687474703a2f2f637"
                                 "26c342e64696769636572742e636f6d"
                                 "2f736861322d68612d7365727665722d67342e63726c304c0603551d200445304"
                                 "3303706096086480186fd6c0101302a"
                                 "302806082b06010505070201161c68747470733a2f2f7777772e6469676963657"
                                 "2742e636f6d2f435053300806066781"
                                 "0c01020230818306082b0601050507010104773075302406082b0601050507300"
                                 "18618687474703a2f2f6f6373702e64"
                                 "696769636572742e636f6d304d06082b060105050730028641687474703a2f2f6"
                                 "36163657274732e6469676963657274"
                                 "2e636f6d2f446967694365727453484132486967684173737572616e636553657"
                                 "276657243412e637274300c0603551d"
                                 "130101ff04023000300d06092a864886f70d01010b0500038201010084a89a11a"
                                 "7d8bd0b267e52247bb2559dea308951"
                                 "08876fa9ed10ea5b3e0bc72d47044edd4537c7cabc387fb66a1c65426a73742e5"
                                 "a9785d0cc92e22e3889d90d69fa1b9b"
                                 "f0c16232654f3d98dbdad666da2a5656e31133ece0a5154cea7549f45def15f51"
                                 "21ce6f8fc9b04214bcf63e77cfcaadc"
                                 "fa43d0c0bbf289ea916dcb858e6a9fc8f994bf553d4282384d08a4a70ed3654d3"
                                 "361900d3f80bf823e11cb8f3fce7994"
                                 "691bf2da4bc897b811436d6a2532b9b2ea2262860da3727d4fea573c653b2f277"
                                 "3fc7c16fb0d03a40aed01aba423c68d"
                                 "5f8a21154292c034a220858858988919b11e20ed13205c045564ce9db365fdf68"
                                 "f5e99392115e271aa6a88820004b530"
                                 "8204b130820399a003020102021004e1e7a4dc5cf2f36dc02b42b85d159f300d0"
                                 "6092a864886f70d01010b0500306c31"
                                 "0b300906035504061302555331153013060355040a130c4469676943657274204"
                                 "96e6331193017060355040b13107777"
                                 "772e64696769636572742e636f6d312b302906035504031322446967694365727"
                                 "42048696768204173737572616e6365"
                                 "20455620526f6f74204341301e170d3133313032323132303030305a170d32383"
                                 "13032323132303030305a3070310b30"
                                 "0906035504061302555331153013060355040a130c446967694365727420496e6"
                                 "331193017060355040b13107777772e"
                                 "64696769636572742e636f6d312f302d060355040313264469676943657274205"
                                 "3484132204869676820417373757261"
                                 "6e63652053657276657220434130820122300d06092a864886f70d01010105000"
                                 "382010f003082010a0282010100b6e0"
                                 "2fc22406c86d045fd7ef0a6406b27d22266516ae42409bcedc9f9f76073ec3305"
                                 "58719b94f940e5a941f5556b4c2022a"
                                 "afd098ee0b40d7c4d03b72c8149eef90b111a9aed2c8b8433ad90b0bd5d595f54"
                                 "0afc81ded4d9c5f57b786506899f58a"
                                 "dad2c7051fa897c9dca4b182842dc6ada59cc71982a6850f5e44582a378ffd35f"
                                 "10b0827325af5bb8b9ea4bd51d027e2"
                                 "dd3b4233a30528c4bb28cc9aac2b230d78c67be65e71b74a3e08fb81b71616a19"
                                 "d23124de5d79208ac75a49cbacd17b2"
                                 "1e4435657f532539d11c0a9a631b199274680a37c2c25248cb395aa2b6e15dc1d"
                                 "da020b821a293266f144a2141c7ed6d"
                                 "9bf2482ff303f5a26892532f5ee30203010001a38201493082014530120603551"
                                 "d130101ff040830060101ff02010030"
                                 "0e0603551d0f0101ff040403020186301d0603551d250416301406082b0601050"
                                 "507030106082b060105050703023034"
                                 "06082b0601050507010104283026302406082b060105050730018618687474703"
                                 "a2f2f6f6373702e6469676963657274"
                                 "2e636f6d304b0603551d1f044430423040a03ea03c863a687474703a2f2f63726"
                                 "c342e64696769636572742e636f6d2f"
                                 "4469676943657274486967684173737572616e63654556526f6f7443412e63726"
                                 "c303d0603551d200436303430320604"
                                 "551d2000302a302806082b06010505070201161c68747470733a2f2f7777772e6"
                                 "4696769636572742e636f6d2f435053"
                                 "301d0603551d0e041604145168ff90af0207753cccd9656462a212b859723b301"
                                 "f0603551d23041830168014b13ec369"
                                 "03f8bf4701d498261a0802ef63642bc3300d06092a864886f70d01010b0500038"
                                 "2010100188a958903e66ddf5cfc1d68"
                                 "ea4a8f83d6512f8d6b44169eac63f5d26e6c84998baa8171845bed344eb0b7799"
                                 "229cc2d806af08e20e179a4fe034713"
                                 "eaf586ca59717df404966bd359583dfed331255c183884a3e69f82fd8c5b98314"
                                 "ecd789e1afd85cb49aaf2278b9972fc"
                                 "3eaad5410bdad536a1bf1c6e47497f5ed9487c03d9fd8b49a098264240ebd6921"
                                 "1a4640a5754c4f51dd6025e6baceec4"
                                 "809a1272fa5693d7ffbf30850630bf0b7f4eff57059d24ed85c32bfba675a8ac2"
                                 "d16ef7d7927b2ebc29d0b07eaaa85d3"
                                 "01a3202841594328d281e3aaf6ec7b3b77b640628005414501ef17063edec0339"
                                 "b67d3612e7287e469fc120057401e70"
                                 "f51ec9b4";
/* 312 bytes */
static const char CERT_TLS13[] = "0000013400012f3082012b3081d3020460bb8286300a06082a8648ce3d0403023"
                                 "021310b300906035504061302555331"
                                 "123010060355040a0c09426f72696e6753534c301e170d3138303831363138323"
                                 "835335a170d31393038313631383238"
                                 "35335a3021310b300906035504061302555331123010060355040a0c09426f726"
                                 "96e6753534c3059301306072a8648ce"
                                 "3d020106082a8648ce3d03010703420004a105307f466a5fc5bdb05fbf78de723"
                                 "121ffc81338568d5749d02fe122329a"
                                 "646dffdc3e98e2d5d808fb5f14dd4585c01d495994d4d8fa3fd9ffa3ca42afba3"
                                 "0300a06082a8648ce3d040302034700"
                                 "304402201832b37b416959d4b98eb1fabe4f8acb1593fa6eb5daab5466e87e5b0"
                                 "cf3911a022074b9d027ed5229577632"
                                 "b2e054e9dae9c029e2c1fdd6cb595c4583c564d961340000";

static tlsa_err parse_hex(const char *hex, bool tls13, const tlsa_limits *lim,
                          tlsa_blob_list *chain) {
    size_t n;
    uint8_t *b = tlsa_test_hex(hex, &n);
    tlsa_err e = tlsa_msg_certificate(b, n, tls13, lim, chain);
    free(b);
    return e;
}

static void test_tls12_chain(void) {
    tlsa_blob_list chain = {0};
    CU_ASSERT_EQUAL(parse_hex(CERT_TLS12, false, NULL, &chain), TLSA_E_OK);
    CU_ASSERT_EQUAL(chain.n, 2);
    if (chain.n == 2) {
        CU_ASSERT_EQUAL(chain.v[0].len, 1526);
        CU_ASSERT_EQUAL(chain.v[1].len, 1205);
        CU_ASSERT_EQUAL(chain.v[0].data[0], 0x30); /* DER SEQUENCE */
        CU_ASSERT_EQUAL(chain.v[0].data[1], 0x82);
    }
    tlsa_blob_list_clear(&chain);
    CU_ASSERT_EQUAL(chain.n, 0);
    CU_ASSERT_PTR_NULL(chain.v);
}

static void test_tls13(void) {
    tlsa_blob_list chain = {0};
    CU_ASSERT_EQUAL(parse_hex(CERT_TLS13, true, NULL, &chain), TLSA_E_OK);
    CU_ASSERT_EQUAL(chain.n, 1);
    CU_ASSERT(chain.n == 1 && chain.v[0].len == 303 && chain.v[0].data[0] == 0x30);
    tlsa_blob_list_clear(&chain);
    /* the same bytes read as TLS 1.2 do not fit */
    CU_ASSERT_NOT_EQUAL(parse_hex(CERT_TLS13, false, NULL, &chain), TLSA_E_OK);
    tlsa_blob_list_clear(&chain);
}

static void test_limit(void) {
    tlsa_limits l;
    tlsa_limits_default(&l);
    l.max_certs = 1;
    tlsa_blob_list chain = {0};
    CU_ASSERT_EQUAL(parse_hex(CERT_TLS12, false, &l, &chain), TLSA_E_LIMIT_CERTS);
    CU_ASSERT_EQUAL(chain.n, 1);
    CU_ASSERT(chain.n == 1 && chain.v[0].len == 1526);
    tlsa_blob_list_clear(&chain);
}

static tlsa_err variant(const char *hex, bool tls13) {
    tlsa_blob_list chain = {0};
    tlsa_err e = parse_hex(hex, tls13, NULL, &chain);
    tlsa_blob_list_clear(&chain);
    return e;
}

static void test_malformed(void) {
    /* empty chains are legal (a client without a certificate) */
    CU_ASSERT_EQUAL(variant("000000", false), TLSA_E_OK);
    CU_ASSERT_EQUAL(variant("00 000000", true), TLSA_E_OK);
    CU_ASSERT_EQUAL(variant("000005 000002 3000", false), TLSA_E_OK);
    /* list longer than the message, certificate longer than the list */
    CU_ASSERT_EQUAL(variant("000006 000002 3000", false), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(variant("000005 000003 3000", false), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(variant("0000", false), TLSA_E_TRUNCATED);
    /* a byte after the list; an empty certificate */
    CU_ASSERT_EQUAL(variant("000005 000002 3000 00", false), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(variant("000003 000000", false), TLSA_E_BAD_LENGTH);
    /* TLS 1.3: entry extensions truncated, duplicated; context overrun */
    CU_ASSERT_EQUAL(variant("00 000008 000002 3000 0001 00", true), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(variant("00 00000f 000002 3000 0008 00050000 00050000", true),
                    TLSA_E_DUPLICATE_EXTENSION);
    CU_ASSERT_EQUAL(variant("05 000000", true), TLSA_E_TRUNCATED);
}

TLSA_TEST_MAIN("msg_certificate", {"TLS 1.2 chain (tls12-dsb)", test_tls12_chain},
               {"TLS 1.3 Certificate (tls13-rfc8446)", test_tls13},
               {"max_certs keeps the first ones", test_limit},
               {"malformed variants", test_malformed})
