/**
 * @brief Fixed-width types and the runtime's builtin result codes for freestanding BPF C.
 *
 * Upstream clang with -ffreestanding gives no libc, so the few definitions programs need live here.
 */
#pragma once

typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long int64_t;
typedef unsigned long size_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

#define static_assert _Static_assert
#define offsetof(type, member) __builtin_offsetof(type, member)

/** Builtin ProgramError codes live in the upper 32 bits; custom program codes in the lower 32 (sol/types.h upstream). */
#define TO_BUILTIN(error) ((uint64_t)(error) << 32)
#define SUCCESS 0
#define ERROR_CUSTOM_ZERO TO_BUILTIN(1)
#define ERROR_INVALID_ARGUMENT TO_BUILTIN(2)
#define ERROR_INVALID_INSTRUCTION_DATA TO_BUILTIN(3)
#define ERROR_INVALID_ACCOUNT_DATA TO_BUILTIN(4)
#define ERROR_ACCOUNT_DATA_TOO_SMALL TO_BUILTIN(5)
#define ERROR_INSUFFICIENT_FUNDS TO_BUILTIN(6)
#define ERROR_INCORRECT_PROGRAM_ID TO_BUILTIN(7)
#define ERROR_MISSING_REQUIRED_SIGNATURES TO_BUILTIN(8)
#define ERROR_ACCOUNT_ALREADY_INITIALIZED TO_BUILTIN(9)
#define ERROR_UNINITIALIZED_ACCOUNT TO_BUILTIN(10)
#define ERROR_NOT_ENOUGH_ACCOUNT_KEYS TO_BUILTIN(11)
#define ERROR_ACCOUNT_BORROW_FAILED TO_BUILTIN(12)
#define ERROR_MAX_SEED_LENGTH_EXCEEDED TO_BUILTIN(13)
#define ERROR_INVALID_SEEDS TO_BUILTIN(14)
#define ERROR_ARITHMETIC_OVERFLOW TO_BUILTIN(22)
