/* Generated from programs/coordinator/idl.json by scripts/discriminatorHeader.ts. DO NOT EDIT. */
#pragma once

#define IX_VERSION 0xc0fcd881c6c34176ULL /* global:version */
