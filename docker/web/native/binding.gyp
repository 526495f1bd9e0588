{
  "targets": [
    {
      "target_name": "vrrpd_native",
      "sources": ["vrrpd_native.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
