/* ServerKeyExchange and ClientKeyExchange parsers on real messages: tls12-dsb.pcapng (ECDHE,
 * TLS 1.2), tls12-chacha20poly1305.pcap (DHE, DHE_PSK, ECDHE_PSK, RSA_PSK, PSK), wpa-eap-tls.pcap
 * (ECDHE, TLS 1.0: no signature algorithm), rsasnakeoil2.pcap (RSA, SSL 3.0: no length prefix);
 * and one malformed variant per error code. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "msg.h"
#include "tlsaudit/conn.h"

/* 329 bytes */
static const char SKE_ECDHE_TLS12[] =
    "0300174104fb5c93ed9700db294c16461eb391da54575bd35bd92abd5a0f388b0792923d0bea1f8582d2879300696f"
    "a3"
    "a5ba27eb697d0b95c7d5eec198076d31a074eff27b08040100008e3c4e564864e309b1370215ee6faae1976d80ab29"
    "bd"
    "4be33e356cc60bf72df302036139568e70a1ebe305a90e454e510ea110062e8e48432df06879f3989cf4df5b73df91"
    "c2"
    "8a3afa98807c7d9c7403875ff00152f2822441dd7cd8e15e282444b332cad0ccaee04f95f1dd12a78937369faca239"
    "f2"
    "8477e02eda9d6791151e47ed1eb461e0f7fd5d57a2aed32a7a81e3e2912570263c1076cd983a9b14baa638d67f852d"
    "82"
    "802d385a81292316648ecc7b33eaa7ee17ad7484c70d8f9bf565839b4b0ffd837d9d003dccc876295c82caffe2ac63"
    "b2"
    "aad1adf590409aa680539650c2572488ca11b74cbe4ea5c53ca5b7a4f6a9cfe2267c686813a3018318";
/* 1034 bytes */
static const char SKE_DHE_TLS12[] = "0100ad107e1e9123a9d0d660faa79559c51fa20d64e5683b9fd1b54b1597b6"
                                    "1d0a75e6fa141df95a56dbaf9a3c407ba1"
                                    "df15eb3d688a309c180e1de6b85a1274a0a66d3f8152ad6ac2129037c9edef"
                                    "da4df8d91e8fef55b7394b7ad5b7d0b6c1"
                                    "2207c9f98d11ed34dbf6c6ba0b2c8bbc27be6a00e0a0b9c49708b3bf8a3170"
                                    "91883681286130bc8985db1602e714415d"
                                    "9330278273c7de31efdc7310f7121fd5a07415987d9adc0a486dcdf93acc44"
                                    "328387315d75e198c641a480cd86a1b9e5"
                                    "87e8be60e69cc928b2b9c52172e413042e9b23f10b0e16e79763c9b53dcf4b"
                                    "a80a29e3fb73c16b8e75b97ef363e2ffa3"
                                    "1f71cf9de5384e71b81c0ac4dffe0c10e64f0100ac4032ef4f2d9ae39df30b"
                                    "5c8ffdac506cdebe7b89998caf74866a08"
                                    "cfe4ffe3a6824a4e10b9a6f0dd921f01a70c4afaab739d7700c29f52c57db1"
                                    "7c620a8652be5e9001a8d66ad7c1766910"
                                    "1999024af4d027275ac1348bb8a762d0521bc98ae247150422ea1ed409939d"
                                    "54da7460cdb5f6c6b250717cbef180eb34"
                                    "118e98d119529a45d6f834566e3025e316a330efbb77a86f0c1ab15b051ae3"
                                    "d428c8f8acb70a8137150b8eeb10e183ed"
                                    "d19963ddd9e263e4770589ef6aa21e7f5f2ff381b539cce3409d13cd566afb"
                                    "b48d6c019181e1bcfe94b30269edfe72fe"
                                    "9b6aa4bd7b5a0f1c71cfff4c19c418e1f6ec017981bc087f2a7065b384b890"
                                    "d3191f2bfa010070274083e879e69dc61c"
                                    "d319ba2af316260a12ffc9d116c37739bdd9b9369ce405520f44dae35698bc"
                                    "c17c243079b8406a77c2c5000bbf3baa66"
                                    "383a58c0cee33a3fe39c4d3ff0ed575f40942bec6cd7670fba46b61f1df09f"
                                    "9de41537bcf2e204109242af215006e7d7"
                                    "a7400cdae9a8a7f77d632a2c2dc46a6dcc92f8c41e6b44cc3b2106fc26850e"
                                    "88a301a5d140bc75b5bcc0ebec8d1ef3d0"
                                    "f9b8312b327647a0a8e520132b1f05178d38cd23439d5fced6aeb413083ecb"
                                    "7f75e2e065a8fc26149425344e8fa1c044"
                                    "e02290bfe6f5f739b2526bda392bf7011d9dca1d81c58a196b8c9abe114758"
                                    "9e1bd548530983e9f4721d54800d8d8898"
                                    "5e31aaa8146d080401006d008c82f372eadec3119198bed22c015aff8aaeb8"
                                    "f650562eaae6b3778ca664be2898f1bd86"
                                    "51d2d7c80a4bf300f8aaefc035f59440bfc06c662d0a35b4e7dc892b19e124"
                                    "9e53efa5edcd3f3780864fe6cf5a19fc22"
                                    "8dc5fbdc65c02c4d1054b3558cb3c1f15899868d8815876df9bf836d87405b"
                                    "4878e37df5b7247a6de8198a4f9c6cb55d"
                                    "c554b58afe94eeca04bb625be208cf33af19ad42eca562188de4b9aed97f52"
                                    "8bad02498db2cb8cac11557c7a2ae8a363"
                                    "ecb8eee7dc28469106c8956e65b5778f146604a9db41bcb325f167d253d65d"
                                    "05f042a6e6e858d2caee01418b9bb091af"
                                    "181e96257d50c2a4c34adde0bdc32b0548a86b07da125040a3b5";
/* 777 bytes */
static const char SKE_DHE_PSK[] = "00000180ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e08"
                                  "8a67cc74020bbea63b139b22514a0879"
                                  "8e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576"
                                  "625e7ec6f44c42e9a637ed6b0bff5cb6"
                                  "f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8"
                                  "a163bf0598da48361c55d39a69163fa8"
                                  "fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e"
                                  "4abc9804f1746c08ca18217c32905e46"
                                  "2e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf6"
                                  "955817183995497cea956ae515d22618"
                                  "98fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb8504"
                                  "58dbef0a8aea71575d060c7db3970f85"
                                  "a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06"
                                  "d98a0864d87602733ec86a64521f2b18"
                                  "177b200cbbe117577a615d6c770988c0bad946e208e24fa074e5ab3143db5bfc"
                                  "e0fd108e4b82d120a93ad2caffffffff"
                                  "ffffffff000102018040271ac7fe8975c616ccb547bef6e033cd9f92d13b5b9b"
                                  "ee655614dc486b0dce65abb338fa128a"
                                  "50eaf145e1e8c6f27a4badea26751b7740fd39a30c18de6297630ea35ee09037"
                                  "f4740331b33436d0e651dc16962645f4"
                                  "9e7ac00f1a4b5992164b870a26b7b0b5cc028b954ce3cbefcc81ec211924b4f2"
                                  "daa3390bbe593c200043d74549c6055e"
                                  "548c14c024bcc2b076ae9cd7e3eed0808b80ebb1d13fb10f9aa764f7267d64d8"
                                  "327ad10b493312f659df0e91ac31b40d"
                                  "1ced5949880dc81c6d8d939655b7ba77a1071099c1645d63b2be1b0184559187"
                                  "470b95a0695724e5a4b08e7a8200d534"
                                  "741fb667056e017472df5831656036844809f72fe842487f7cc974e843e46fe9"
                                  "f7b7ce896fd55300dabd2c9a09a3148f"
                                  "b62cd3488c6e6269f9cc7cffb5c7d906c3d07c3662d9092cbf35f68e20879b21"
                                  "5f3ab959b67a502012bac2bb69392ecd"
                                  "532377c77e85ba56ed7670c239ed440d8d4e5fe30cd995369af8441c7c785435"
                                  "94771fa700d7290e16c2bb741ea8bee4"
                                  "706e89e4fae9baba98";
/* 38 bytes */
static const char SKE_ECDHE_PSK[] =
    "000003001d209594abfae23d503dddbbf00340083fe443f427fd4ccf9794f884afe1cb0ea204";
/* 583 bytes */
static const char SKE_ECDHE_TLS10[] = "0300174104f5f5727bc444fdc29693d92d1e3ec1b461ef38c51d82aa84c2"
                                      "84a2e11926aa47fa4222de6a3247dd0dc936"
                                      "11b5f6c280cafed622e3b898db522a13c6dcda2a65020024b07ba8a7dc14"
                                      "06bf3a90aec08a624384d20a01800b208a38"
                                      "95b3ecff74670035ffd9e06de16559a3faedb8973f376c401d6987e2e3e3"
                                      "89a67427e82d57f1ea1a328b300412519d5c"
                                      "41fdcc12dd9e948051425aee5763273fedf79dd1c7c4b14e16d8f7db8a8c"
                                      "f290baff16b257dd958e9152f8cabfd39d18"
                                      "b7527035ecc283b9f8a4b7902021225566cddd37d4f34c2b88b772de5a5d"
                                      "1616bce2bf98205a5450cacd6b9efb87526b"
                                      "7cedecfdd74adadc0af9612eca75e056bdc92803aafb00e4e8ac922ed7fb"
                                      "5355ba3a2e54b98ee4242ac91cb3e2cc69b0"
                                      "b69966ec1729005a3a35995f6a696aec6c813fa773c009e7018b8e68b4d0"
                                      "ccf52469c69240d6e08a2864aec6057b461b"
                                      "d273f177faa3aec8f2bb84a17f92cba44499d070fd895bcc491d4fd1e005"
                                      "318fe3422d79159227b97b73418546d3f25a"
                                      "6d61a7ee7f806aa3a7c7478350be3a736b5a52159268e7beea9675bb150d"
                                      "bd6e1ed7e64b78045c7b469543238565f0d6"
                                      "38055f210884f96b5b2acbea12897ae9a6e0997c6bfe40f79860a7747c42"
                                      "082e0c5ee8b363ebbead01986262aaac43b8"
                                      "a9940337330a945bc45dd5b64887f238a84f43296de6770dc0504c2bb3e4"
                                      "dd1f0a19893c4a9f5a0a9599bf79b1842835"
                                      "3edd92c71716c09a3f6c569a22977e940a3cf1d34f13e33a2326d3015c6a"
                                      "34eaf6d99c6282334c73d65e2fdf89d0024f"
                                      "d7e024c195f991";
/* 66 bytes */
static const char CKE_ECDHE[] = "4104f0e11b949a46b0c52ec3549b657b9723553149c9054c074e5810f4c97a05e9"
                                "143b0342adcca7dd68b18e336ce559"
                                "a2ee4095100de94f8edf9ec001e698b29099";
/* 258 bytes */
static const char CKE_DHE[] = "01004fc3f186b6085b750402837b0bb3d00fc75feafaf930c78896d3ce5f6aad6cba"
                              "4682be13db2aae74432bc52f299c"
                              "653badf132be32d5465248da303a6ff1b48be66bd2ec5ca4e7ba05f081adbc22ff78"
                              "e997d7ae6225ac818bf85bd5b063"
                              "45018660b5f6a51386ae6af3c3bad663d719a94525745838001e0872d4fa32ef37bb"
                              "c088b10c4be0babc3bd4bf396943"
                              "0ddf4799a58b496baa799c94318c887bc415728558eefe6e6609cd7f085e95f23c28"
                              "43d1b2f10ba6a993ad6e8aa715bf"
                              "4bdd32c73512e79dca03f195182b29c011426e0d8d8d50dfa7ef8dd15340f1591da3"
                              "b31232bad122e6cd4168a7b4ce7a"
                              "269fcc7c00ed95fac65b7ed9ef0071f50be6";
/* 275 bytes */
static const char CKE_RSA_PSK[] =
    "000f436c69656e745f6964656e7469747901003e2ffbd86d10f6943a82ebd66f73985538c06fe0cd207e0ab886f787"
    "93"
    "e123ca3c78f8db8f693413feb4a727b0d069e7dac6b8d56bb47ea91f14250fe3ada7bd43acb7f6b14c2e1a80019d02"
    "df"
    "d00d010faf8dc402ce318aa51a22cd7e2358d8cf753cbfb892f95eb2a83f8558113d0fd64e85c4e23fbd3fb1126532"
    "79"
    "21bbdda012ae244e8ebeaf75ee3b206c5263db73630179df9c9442fbc1082d51f1f9c699ea2c0e0f73ea96c0d0ffb9"
    "6b"
    "6045b90fc4be567812b8eb855d7997f36afbcf94bdd441e16ecfd7efae0c4136f1d0e90dd57aeae7264aebee8972f7"
    "93"
    "788afc696c380f4105bf8f7fcbc2e04650bec535558500ed45f46a83b40b48279be04e";
/* 403 bytes */
static const char CKE_DHE_PSK[] = "000f436c69656e745f6964656e7469747901800e236179d324610cac057eb20c"
                                  "6d2f0b28f9222688fc76c14a7117cb5e"
                                  "2395a4a05fa868b43616db8f6b87334b7611dd2828f6e80ef10feabce621b169"
                                  "8f969f7a127e18c32d5aadbff0d8c6b4"
                                  "a4a1e0d4954f54b530acd0d529d8d74e8e05e1f9f7d7de6df9eee7a750d8e1ba"
                                  "e6468e6bc687ad0162353fed6c52c3ea"
                                  "be79f7c6c00d85fbc7aaef6738f8ae0e4b2acd3f81465674a05f6f67287be187"
                                  "c41b5b624d8286969f28cec1041f773b"
                                  "6b1bd2d4ab2271f30c738a077ae8d8b01b75e6e0b4a4db19c30814ff2c8d1308"
                                  "d2937053360019acbed36f4430ef0a46"
                                  "a9f87d960485d4501dce1b0a613a7d531e8a2ec0752f3247f323257880cf1089"
                                  "b4bcad88e67c93786f233b5c8dc7d29c"
                                  "0537723333a6822efded36f250e9f79f0782ba59e48d01a4103690f5fd18b4a9"
                                  "c05d76b7b18ca6334f2712df488b8ee6"
                                  "b8c4727795f18f6f8356ce3dd7a2e0e469f76583290fd582fbbac3c77a3b44f6"
                                  "87f78cbec695e25fd4cba9f600b19872"
                                  "28b356e80da4392e09caec7a6ab51155839980";
/* 50 bytes */
static const char CKE_ECDHE_PSK[] = "000f436c69656e745f6964656e74697479207effb7639157285fe1b67f5f68"
                                    "4aa98de9678a7673f3c2e6ac7dd56000da"
                                    "9362";
/* 17 bytes */
static const char CKE_PSK[] = "000f436c69656e745f6964656e74697479";
/* 128 bytes */
static const char CKE_RSA_SSL3[] =
    "65512da6d4a738dfac791f0bd9b2617d738832d9f2623a8b110475ca42ff4ed9ccb9fa86f3162f09735166aa29cd80"
    "61"
    "0fe813ce5b8e0a23f8915e5f5470808e7b28efb669b259857498e27ed8cc7680e1b6454dc7cd84ceb4527974cde6d7"
    "d1"
    "9cadef636c0ff705e44d1ad3cb9cd251b561cbff7ceec7bc5e15a3f2520fbb32";

static tlsa_err ske(const char *hex, uint8_t kind, uint16_t version, tlsa_kex *k) {
    size_t n;
    uint8_t *b = tlsa_test_hex(hex, &n);
    tlsa_err e = tlsa_msg_server_key_exchange(b, n, kind, version, k);
    free(b);
    return e;
}

static tlsa_err cke(const char *hex, uint8_t kind, uint16_t version, tlsa_kex *k) {
    size_t n;
    uint8_t *b = tlsa_test_hex(hex, &n);
    tlsa_err e = tlsa_msg_client_key_exchange(b, n, kind, version, k);
    free(b);
    return e;
}

static void test_ske_ecdhe(void) {
    tlsa_kex k = {0};
    CU_ASSERT_EQUAL(ske(SKE_ECDHE_TLS12, TLSA_KEX_ECDHE, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.group, 0x0017);
    CU_ASSERT_EQUAL(k.public_len, 65);
    CU_ASSERT_EQUAL(k.ske_sig_scheme, 0x0804);
    CU_ASSERT_EQUAL(k.dh_bits, 0);
    tlsa_kex_clear(&k);

    /* TLS 1.0: the signature has no algorithm field */
    CU_ASSERT_EQUAL(ske(SKE_ECDHE_TLS10, TLSA_KEX_ECDHE, TLSA_V_TLS10, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.group, 0x0017);
    CU_ASSERT_EQUAL(k.public_len, 65);
    CU_ASSERT_EQUAL(k.ske_sig_scheme, 0);
    tlsa_kex_clear(&k);
    /* ... and read as TLS 1.2 the bytes do not fit */
    CU_ASSERT_EQUAL(ske(SKE_ECDHE_TLS10, TLSA_KEX_ECDHE, TLSA_V_TLS12, &k), TLSA_E_TRUNCATED);
    tlsa_kex_clear(&k);
}

static void test_ske_dhe(void) {
    tlsa_kex k = {0};
    CU_ASSERT_EQUAL(ske(SKE_DHE_TLS12, TLSA_KEX_DHE, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.dh_bits, 2048);
    CU_ASSERT_EQUAL(k.dh_p.len, 256);
    CU_ASSERT_EQUAL(k.dh_p.data[0], 0xad);
    CU_ASSERT_EQUAL(k.dh_g.len, 256);
    CU_ASSERT_EQUAL(k.public_len, 256);
    CU_ASSERT_EQUAL(k.ske_sig_scheme, 0x0804);
    tlsa_kex_clear(&k);
    CU_ASSERT_PTR_NULL(k.dh_p.data);
}

static void test_ske_psk(void) {
    tlsa_kex k = {0};
    CU_ASSERT_EQUAL(ske(SKE_DHE_PSK, TLSA_KEX_DHE_PSK, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.dh_bits, 3072);
    CU_ASSERT_EQUAL(k.dh_g.len, 1);
    CU_ASSERT_EQUAL(k.dh_g.data[0], 2);
    CU_ASSERT_EQUAL(k.public_len, 384);
    CU_ASSERT_EQUAL(k.ske_sig_scheme, 0);
    tlsa_kex_clear(&k);

    CU_ASSERT_EQUAL(ske(SKE_ECDHE_PSK, TLSA_KEX_ECDHE_PSK, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.group, 0x001d);
    CU_ASSERT_EQUAL(k.public_len, 32);
    tlsa_kex_clear(&k);

    /* PSK / RSA_PSK: only an identity hint */
    CU_ASSERT_EQUAL(ske("0004 68696e74", TLSA_KEX_PSK, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(ske("0000", TLSA_KEX_RSA_PSK, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(ske("0000 00", TLSA_KEX_PSK, TLSA_V_TLS12, &k), TLSA_E_TRAILING_BYTES);
    tlsa_kex_clear(&k);
}

static void test_ske_anon_and_misc(void) {
    tlsa_kex k = {0};
    /* DH_anon: parameters, no signature */
    CU_ASSERT_EQUAL(ske("0002 00b7 0001 02 0002 0005", TLSA_KEX_DHE, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.dh_bits, 8);
    CU_ASSERT_EQUAL(k.ske_sig_scheme, 0);
    /* explicit curves are not accepted; empty point; empty prime */
    CU_ASSERT_EQUAL(ske("01 0017 01 04", TLSA_KEX_ECDHE, TLSA_V_TLS12, &k), TLSA_E_BAD_VALUE);
    CU_ASSERT_EQUAL(ske("03 0017 00", TLSA_KEX_ECDHE, TLSA_V_TLS12, &k), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(ske("0000 0001 02 0001 05", TLSA_KEX_DHE, TLSA_V_TLS12, &k), TLSA_E_BAD_LENGTH);
    /* signature truncated; trailing bytes after the signature */
    CU_ASSERT_EQUAL(ske("03 001d 01 09 0804 0004 0102", TLSA_KEX_ECDHE, TLSA_V_TLS12, &k),
                    TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(ske("03 001d 01 09 0804 0002 0102 ff", TLSA_KEX_ECDHE, TLSA_V_TLS12, &k),
                    TLSA_E_TRAILING_BYTES);
    /* no ServerKeyExchange exists for TLS 1.3 or static ECDH; unknown suites are left alone */
    CU_ASSERT_EQUAL(ske("00", TLSA_KEX_TLS13, TLSA_V_TLS13, &k), TLSA_E_UNEXPECTED_MESSAGE);
    CU_ASSERT_EQUAL(ske("00", TLSA_KEX_ECDH, TLSA_V_TLS12, &k), TLSA_E_UNEXPECTED_MESSAGE);
    CU_ASSERT_EQUAL(ske("00", TLSA_KEX_UNKNOWN, TLSA_V_TLS12, &k), TLSA_E_OK);
    /* export RSA: modulus, exponent, signature (TLS 1.0) */
    CU_ASSERT_EQUAL(ske("0004 c0000001 0001 03 0002 abcd", TLSA_KEX_RSA, TLSA_V_TLS10, &k),
                    TLSA_E_OK);
    CU_ASSERT_EQUAL(k.public_len, 4);
    tlsa_kex_clear(&k);
}

static void test_cke(void) {
    tlsa_kex k = {0};
    CU_ASSERT_EQUAL(cke(CKE_ECDHE, TLSA_KEX_ECDHE, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.cke_len, 65);
    CU_ASSERT_EQUAL(cke(CKE_DHE, TLSA_KEX_DHE, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.cke_len, 256);
    CU_ASSERT_EQUAL(cke(CKE_RSA_PSK, TLSA_KEX_RSA_PSK, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.cke_len, 256);
    CU_ASSERT_EQUAL(cke(CKE_DHE_PSK, TLSA_KEX_DHE_PSK, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.cke_len, 384);
    CU_ASSERT_EQUAL(cke(CKE_ECDHE_PSK, TLSA_KEX_ECDHE_PSK, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.cke_len, 32);
    CU_ASSERT_EQUAL(cke(CKE_PSK, TLSA_KEX_PSK, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.cke_len, 0);
    /* SSL 3.0 RSA: the encrypted pre-master secret has no length prefix */
    CU_ASSERT_EQUAL(cke(CKE_RSA_SSL3, TLSA_KEX_RSA, TLSA_V_SSL3, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.cke_len, 128);
    /* TLS RSA: 2-byte length */
    CU_ASSERT_EQUAL(cke("0004 01020304", TLSA_KEX_RSA, TLSA_V_TLS10, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.cke_len, 4);
    /* static (EC)DH with a fixed client certificate: implicit, empty */
    CU_ASSERT_EQUAL(cke("", TLSA_KEX_ECDH, TLSA_V_TLS12, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k.cke_len, 0);
}

static void test_cke_malformed(void) {
    tlsa_kex k = {0};
    CU_ASSERT_EQUAL(cke("0005 01020304", TLSA_KEX_RSA, TLSA_V_TLS12, &k), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(cke("0004 01020304 05", TLSA_KEX_RSA, TLSA_V_TLS12, &k), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(cke("0000", TLSA_KEX_DHE, TLSA_V_TLS12, &k), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(cke("00", TLSA_KEX_ECDHE, TLSA_V_TLS12, &k), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(cke("", TLSA_KEX_ECDHE, TLSA_V_TLS12, &k), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(cke("", TLSA_KEX_RSA, TLSA_V_SSL3, &k), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(cke("0003 414243", TLSA_KEX_ECDHE_PSK, TLSA_V_TLS12, &k), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(cke("00", TLSA_KEX_TLS13, TLSA_V_TLS13, &k), TLSA_E_UNEXPECTED_MESSAGE);
}

TLSA_TEST_MAIN("msg_kex", {"ServerKeyExchange ECDHE (TLS 1.2, TLS 1.0)", test_ske_ecdhe},
               {"ServerKeyExchange DHE 2048", test_ske_dhe},
               {"ServerKeyExchange PSK variants", test_ske_psk},
               {"ServerKeyExchange anonymous, export, malformed", test_ske_anon_and_misc},
               {"ClientKeyExchange all kinds", test_cke},
               {"ClientKeyExchange malformed", test_cke_malformed})
