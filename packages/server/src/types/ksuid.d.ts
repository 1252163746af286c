// The `ksuid` package (novemberborn/ksuid) ships no type definitions; this is the part we use.
declare module 'ksuid' {
  export default class KSUID {
    static randomSync(): KSUID;
    readonly string: string;
    readonly date: Date;
  }
}
